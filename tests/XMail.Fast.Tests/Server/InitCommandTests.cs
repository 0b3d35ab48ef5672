using System.Security.Cryptography.X509Certificates;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;
using XMail.Fast.Tests.Ctrl;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

/// <summary>XMail --init: a MailRoot from the template, the first CTRL admin and a certificate, with no hand editing.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-init-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "MailRoot");

    private static string? Var(string serverTab, string name) =>
        TabFile.Records(serverTab, 2).LastOrDefault(l => l.Fields![0] == name)?.Fields![1];

    [Fact]
    public async Task Creates_a_MailRoot_with_the_admin_the_domain_and_a_self_signed_pair()
    {
        var (code, output) = await XMailProcess.RunToExit(["--init", "-Ms", Root, "--admin", "boss", "--domain", "Example.TEST"], stdin: "a long secret\n");
        Assert.Equal(0, code);
        Assert.Contains("ctrlaccounts.tab: added CTRL account boss", output);
        Assert.Contains($"start the server with: XMail -Ms {Root}", output);

        var accounts = CtrlAccounts.Load(Path.Combine(Root, "ctrlaccounts.tab"));
        Assert.Equal(1, accounts.Count);
        Assert.True(accounts.Verify("boss", "a long secret", ""));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Root, "ctrlaccounts.tab")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Root, "server.key")));

        var serverTab = Path.Combine(Root, "server.tab");
        Assert.Equal("example.test", Var(serverTab, "RootDomain"));
        Assert.Equal("example.test", Var(serverTab, "SmtpServerDomain"));
        Assert.Equal("postmaster@example.test", Var(serverTab, "PostMaster"));
        Assert.Equal(["example.test"], TabFile.Records(Path.Combine(Root, "domains.tab"), 1).Select(l => l.Fields![0]));
        Assert.True(Directory.Exists(Path.Combine(Root, "domains", "example.test")));
        Assert.Empty(TabFile.Records(Path.Combine(Root, "mailusers.tab"), 1)); // no mail account, no password but the admin's

        using var cert = X509Certificate2.CreateFromPemFile(Path.Combine(Root, "server.cert"), Path.Combine(Root, "server.key"));
        Assert.Equal("CN=example.test", cert.Subject);
        Assert.True(cert.MatchesHostname("example.test"));
    }

    [Fact]
    public async Task The_admin_logs_in_to_CTRL_on_a_server_started_from_the_new_MailRoot()
    {
        var secret = Path.Combine(_dir, "secret");
        File.WriteAllText(secret, "from a file\n");
        var (code, output) = await XMailProcess.RunToExit(["--init", "-Ms", Root, "--password-file", secret]);
        Assert.Equal(0, code);
        Assert.Contains("note: server.tab still names the placeholder host 'localhost'", output);

        await using var s = await TestServer.StartAsync(root: new TempMailRoot(Root));
        await using var c = await CtrlTestClient.ConnectAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", "from a file"));
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", "new.test"));
    }

    [Fact]
    public async Task On_an_existing_MailRoot_it_adds_an_admin_or_resets_a_password_and_keeps_the_rest()
    {
        Assert.Equal(0, (await XMailProcess.RunToExit(["--init", "-Ms", Root, "--domain", "one.test"], stdin: "first\n")).ExitCode);
        File.AppendAllText(Path.Combine(Root, "smtprelay.tab"), "\"192.0.2.0\"\t\"255.255.255.0\"\n");

        var (code, output) = await XMailProcess.RunToExit(["--init", "-Ms", Root, "--admin", "second", "--domain", "two.test"], stdin: "other\n");
        Assert.Equal(0, code);
        Assert.DoesNotContain("created MailRoot", output);
        Assert.Contains("\"192.0.2.0\"", File.ReadAllText(Path.Combine(Root, "smtprelay.tab")));
        Assert.Equal("one.test", Var(Path.Combine(Root, "server.tab"), "RootDomain")); // a real name is never replaced
        Assert.Equal(["one.test", "two.test"], TabFile.Records(Path.Combine(Root, "domains.tab"), 1).Select(l => l.Fields![0]));

        Assert.Equal(0, (await XMailProcess.RunToExit(["--init", "-Ms", Root], stdin: "reset\n")).ExitCode);
        var accounts = CtrlAccounts.Load(Path.Combine(Root, "ctrlaccounts.tab"));
        Assert.Equal(2, accounts.Count);
        Assert.True(accounts.Verify("admin", "reset", ""));
        Assert.True(accounts.Verify("second", "other", ""));
    }

    [Fact]
    public async Task Refuses_a_folder_that_holds_something_else()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "photo.jpg"), "x");
        var (code, output) = await XMailProcess.RunToExit(["--init", "-Ms", Root], stdin: "pw\n");
        Assert.Equal(3, code);
        Assert.Equal($"XMail: --init: {Root} is neither empty nor a MailRoot (it has no server.tab); give a new or empty folder with -Ms", output.TrimEnd());
        Assert.Equal(["photo.jpg"], Directory.GetFileSystemEntries(Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Without_a_password_nothing_is_created()
    {
        var (code, output) = await XMailProcess.RunToExit(["--init", "-Ms", Root], stdin: "");
        Assert.Equal(2, code);
        Assert.StartsWith("XMail: --init: no password for admin; give it as one line on stdin or in --password-file FILE", output);
        Assert.False(Directory.Exists(Root));
    }
}
