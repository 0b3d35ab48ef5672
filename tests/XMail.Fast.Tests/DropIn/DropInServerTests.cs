using MailKit.Net.Pop3;
using MailKit.Security;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.DropIn;

/// <summary>
/// "Drop-in compatibility": XMail.Fast started on a MailRoot that XMail 1.27 wrote serves it unchanged — users
/// log in, aliases resolve, queued messages (mess/ and rsnd/) are delivered and the frozen one is listed.
/// </summary>
public class DropInServerTests
{
    private static async Task<int> Pop3CountAsync(TestServer s, string user)
    {
        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", s.Port("POP3"), SecureSocketOptions.None);
        await pop.AuthenticateAsync(user, "secret");
        int n = pop.Count;
        await pop.DisconnectAsync(true);
        return n;
    }

    [Fact]
    public async Task Legacy_MailRoot_is_served_unchanged()
    {
        await using var s = await TestServer.StartAsync(root: XMail127MailRootBuilder.Build());

        // The mess/ message for maildiruser is delivered at start; with the one already in new/ that makes 2.
        Assert.True(await TestServer.WaitUntilAsync(
            () => Directory.GetFiles(s.Root.File("domains/legacy.test/maildiruser/Maildir/new")).Length == 2, TimeSpan.FromSeconds(20)),
            "queued mess/ message not delivered");
        Assert.Equal(2, await Pop3CountAsync(s, "maildiruser@legacy.test"));

        // The "mailbox"-format account keeps working, and its rsnd/ message is retried and delivered.
        Assert.True(await TestServer.WaitUntilAsync(
            () => Directory.GetFiles(s.Root.File("domains/legacy.test/mboxuser/mailbox")).Length == 2, TimeSpan.FromSeconds(30)),
            "rsnd/ message not delivered to the mailbox-format account");
        Assert.Equal(2, await Pop3CountAsync(s, "mboxuser@legacy.test"));

        // The frozen message stays frozen and is listed over CTRL with its log.
        await using var ctrl = await LineClient.ConnectAsync(s.Port("CTRL"));
        Assert.StartsWith("+00000 <", await ctrl.ReadLineAsync());
        await ctrl.SendLineAsync("\"admin\"\t\"secret\"");
        Assert.Equal("+00000 OK", await ctrl.ReadLineAsync());
        await ctrl.SendLineAsync("\"frozlist\"");
        Assert.Equal("+00100 OK", await ctrl.ReadLineAsync());
        var frozen = await ctrl.ReadDotListAsync();
        var line = Assert.Single(frozen);
        Assert.StartsWith("\"1600000000102.7f00aa.41ba.12.oldhost\"\t\"7\"\t\"2\"\t\"<>\"\t\"<maildiruser@legacy.test>\"", line);
        await ctrl.SendLineAsync("\"frozgetlog\"\t\"7\"\t\"2\"\t\"1600000000102.7f00aa.41ba.12.oldhost\"");
        Assert.Equal("+00100 OK", await ctrl.ReadLineAsync());
        Assert.Contains("ErrString = Mail loop detected", await ctrl.ReadDotListAsync());
        Assert.True(File.Exists(s.Root.File("spool/7/2/froz/1600000000102.7f00aa.41ba.12.oldhost")));
    }
}
