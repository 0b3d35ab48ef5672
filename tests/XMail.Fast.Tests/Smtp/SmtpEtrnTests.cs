using XMail.Fast.Tests.DropIn;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Smtp;

/// <summary>ETRN (RFC 1985, "SMTP COMMANDS"): a waiting message for the node is retried now, not at its next-try time.</summary>
public class SmtpEtrnTests
{
    private const string Name = "1600000000200.7f00aa.41ba.20.oldhost";

    [Fact]
    public async Task Etrn_flushes_waiting_messages_of_the_domain()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await using var s = await TestServer.StartAsync(prepare: r =>
        {
            r.Write("server.tab", r.Read("server.tab") + "\"AllowSmtpETRN\"\t\"1\"\n");
            XMail127MailRootBuilder.WriteSpool(r, 2, 3, "rsnd", Name, "S20", "a@example.org", "xmailuser@xmailserver.test");
            r.Write($"spool/2/3/info/{Name}", $"1\t{now + 3600}\t{now}\n"); // next try in an hour
        });
        var newDir = s.Root.File("domains/xmailserver.test/xmailuser/Maildir/new");
        await using var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        Assert.StartsWith("220 ", await c.ReadLineAsync());
        await c.SendLineAsync("EHLO kit.test");
        while ((await c.ReadLineAsync())!.StartsWith("250-")) { }
        Assert.False(Directory.Exists(newDir) && Directory.GetFiles(newDir).Length > 0);

        await c.SendLineAsync("ETRN other.test");
        Assert.StartsWith("250 ", await c.ReadLineAsync());
        Assert.True(File.Exists(s.Root.File($"spool/2/3/rsnd/{Name}")));

        await c.SendLineAsync("ETRN xmailserver.test");
        Assert.StartsWith("250 ", await c.ReadLineAsync());
        Assert.True(await TestServer.WaitUntilAsync(() => Directory.Exists(newDir) && Directory.GetFiles(newDir).Length == 1),
            "the waiting message was not delivered after ETRN");
    }
}
