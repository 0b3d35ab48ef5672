using XMail.Fast.Server;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tests.Smtp;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// Only dev mode and XMail --init create a MailRoot: a MAIL_ROOT or -Ms that names no MailRoot is one line naming the
/// path and the fix, and exit 3, with nothing created.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
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

    /// <summary>README's first command: dev mode makes ./MailRoot from the template, with a self-signed certificate, and serves it.</summary>
    [Fact]
    public async Task Dev_mode_creates_MailRoot_from_the_template_with_a_certificate_and_offers_STARTTLS()
    {
        int port = XMailProcess.FreePort();
        await using var p = XMailProcess.Start(XMailProcess.SmtpOnly(port), workingDirectory: _dir);
        Assert.True(await p.WaitForPortAsync(port), p.Output);
        var root = Path.Combine(_dir, "MailRoot");
        foreach (var file in Directory.GetFiles(MailRootTemplate.TemplatePath, "*", SearchOption.AllDirectories))
            Assert.True(File.Exists(Path.Combine(root, Path.GetRelativePath(MailRootTemplate.TemplatePath, file))), file);
        Assert.True(File.Exists(Path.Combine(root, "server.cert")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, "server.key")));
        Assert.Contains("dev mode: created MailRoot " + root, p.Output);

        var c = await LineClient.ConnectAsync(port);
        await using (c)
        {
            Assert.StartsWith("220 localhost ", await c.ReadLineAsync());
            await c.SendLineAsync("EHLO dev.test");
            var ehlo = await SmtpTestKit.ReadReplyAsync(c);
            Assert.Contains("250 STARTTLS", ehlo);
            Assert.DoesNotContain(ehlo, l => l.Contains("AUTH")); // the template allows AUTH only after STARTTLS
        }
        File.WriteAllText(Path.Combine(root, ".shutdown"), "");
        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
