using XMail.Fast.Server;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// Only dev mode and XMail --init create a MailRoot: a MAIL_ROOT or -Ms that names no MailRoot is one line naming the
/// path and the fix, and exit 3, with nothing created.
/// </summary>
public sealed class MailRootCreationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-mailroot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task MAIL_ROOT_that_does_not_exist_is_refused_and_not_created()
    {
        var missing = Path.Combine(_dir, "nonexistent", "x");
        var (code, output) = await XMailProcess.RunToExit(XMailProcess.SmtpOnly(XMailProcess.FreePort()), new Dictionary<string, string?> { ["MAIL_ROOT"] = missing });
        Assert.Equal(3, code);
        var line = Assert.Single(output.TrimEnd().Split('\n'));
        Assert.Contains($"MailRoot {missing} (MAIL_ROOT) does not exist", line);
        Assert.Contains($"XMail --init -Ms {missing}", line);
        Assert.False(Directory.Exists(Path.Combine(_dir, "nonexistent")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ms_at_a_folder_that_is_not_a_MailRoot_is_refused_and_left_alone(bool withAFile)
    {
        var folder = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(folder);
        if (withAFile) File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var (code, output) = await XMailProcess.RunToExit(["-Ms", folder, .. XMailProcess.SmtpOnly(XMailProcess.FreePort())]);
        Assert.Equal(3, code);
        var line = Assert.Single(output.TrimEnd().Split('\n'));
        Assert.Contains($"MailRoot {folder} (-Ms) is not a MailRoot (it has no server.tab); create one with: XMail --init -Ms {folder}", line);
        Assert.Equal(withAFile ? ["notes.txt"] : [], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_in_process_server_never_creates_a_MailRoot_either()
    {
        var missing = Path.Combine(_dir, "missing");
        var failure = await Assert.ThrowsAsync<XMail.Fast.Server.Startup.StartupFailure>(() =>
            XMailServer.StartAsync(new XMail.Fast.Core.Config.XMailOptions { MailRootPath = missing }));
        Assert.Equal(3, failure.ExitCode);
        Assert.False(Directory.Exists(missing));
    }
}
