using XMail.Fast.Core.Config;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

public class StartupTests
{
    [Fact]
    public async Task Starts_on_an_unchanged_copy_of_the_XMail_1_27_template_and_creates_missing_folders()
    {
        await using var s = await TestServer.StartAsync();
        foreach (var dir in MailRoot.RequiredFolders)
            Assert.True(Directory.Exists(s.Root.File(dir)), dir);
        // The template's tables are untouched byte for byte.
        foreach (var file in Directory.GetFiles(Fixtures.XMail127MailRoot, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(Fixtures.XMail127MailRoot, file);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(s.Root.File(rel)));
        }
        Assert.True(s.Context.Accounts.IsLocalDomain("xmailserver.test"));
        Assert.Equal("xmailuser", s.Context.Accounts.FindUser("XMAILSERVER.TEST", "XMailUser")!.Name);
        Assert.Equal(ErrorCodeSuccess, s.Context.Accounts.Authenticate("xmailserver.test", "xmailuser", "xmail"));
    }

    private const XMail.Fast.Core.ErrorCode ErrorCodeSuccess = XMail.Fast.Core.ErrorCode.Success;

    [Fact]
    public async Task Bad_switch_exits_2_with_a_message()
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(2, await XMail.Fast.Server.Program.Main(["-Qq"]));
        }
        finally { Console.SetError(old); }
        Assert.Contains("unknown switch -Qq", err.ToString());
    }

    [Fact]
    public async Task Shutdown_file_stops_the_server()
    {
        await using var s = await TestServer.StartAsync();
        var stopped = s.Server.WaitForShutdownAsync();
        File.WriteAllText(s.Root.File(".shutdown"), "");
        Assert.Same(stopped, await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.False(File.Exists(s.Root.File(".shutdown")));
    }
}
