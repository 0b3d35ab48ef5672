using XMail.Fast.Delivery.Remote;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Remote;

/// <summary>A second, in-process XMail.Fast as the destination: what we send is what its SMTP server spools.</summary>
public sealed class XMailPeerTests
{
    [Fact]
    public async Task Another_XMail_Fast_accepts_and_spools_the_message()
    {
        await using var dest = await TestServer.StartAsync();
        await using var h = new RemoteHarness();
        h.Forwards.Add(("xmailserver.test", $"127.0.0.1:{dest.Port("SMTP")}"));
        var marker = Guid.NewGuid().ToString("N");
        var r = await h.SendAsync(h.Spool($"Subject: peer\r\n\r\n.{marker}\r\nbye\r\n"), "xmailuser@xmailserver.test", "nosuchuser@xmailserver.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal(DeliveryStatus.PermanentFailure, r[1].Status);
        Assert.StartsWith("5", r[1].Text);
        // The destination un-stuffed the leading dot and wrote the message somewhere under its MailRoot (spool or mailbox).
        Assert.True(await TestServer.WaitUntilAsync(() => Directory.EnumerateFiles(dest.Root.Path, "*", SearchOption.AllDirectories)
            .Any(f => !f.EndsWith(".tab") && SafeRead(f).Contains("\n." + marker + "\r\n"))));
    }

    [Fact]
    public async Task Sessions_to_another_XMail_Fast_are_reused_and_use_starttls_when_asked()
    {
        await using var dest = await TestServer.StartAsync(prepare: root => TestCertificates.WriteTo(root.Path));
        await using var h = new RemoteHarness();
        h.Forwards.Add(("xmailserver.test", $"127.0.0.1:{dest.Port("SMTP")},NeedTLS=2"));
        for (int i = 0; i < 3; i++)
        {
            var r = await h.SendAsync(h.Spool("Subject: tls\r\n\r\nhi\r\n"), "xmailuser@xmailserver.test");
            Assert.True(r[0].Status == DeliveryStatus.Delivered, r[0].Text);
        }
        Assert.Equal(1, h.Mailer.IdleConnections);
    }

    private static string SafeRead(string f)
    {
        try { return File.ReadAllText(f); } catch { return ""; }
    }
}
