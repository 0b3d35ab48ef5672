using System.Text;
using XMail.Fast.Delivery.MailAuth.Dkim;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tests.Smtp;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>
/// Sender authentication in the real server over real sockets, DNS from an in-process server named by SmartDNSHost:
/// SPF refused at MAIL FROM, DMARC p=reject refused after DATA with 550 5.7.1, Authentication-Results on what is
/// accepted (forged ones gone), exemptions (AUTH, smtp.ipprop.tab MailAuthCheck=0), ENHANCEDSTATUSCODES, and that
/// a MailRoot without the new variables behaves as XMail 1.27.
/// </summary>
public sealed class SmtpMailAuthTests : IDisposable
{
    private readonly ZoneDnsServer _dns = ZoneDnsServer.Start();
    private readonly (DkimSigningKey Key, string Pem) _key = MailAuthKit.NewKey("ed25519");

    public SmtpMailAuthTests()
    {
        _dns.Add("sel._domainkey.example.org", ZoneRecord.Txt(DkimKeyFile.TxtRecord(_key.Key.PrivateKey)));
        _dns.Add("example.org", ZoneRecord.Txt("v=spf1 ip4:127.0.0.1 -all"));
        _dns.Add("_dmarc.example.org", ZoneRecord.Txt("v=DMARC1; p=reject"));
        _dns.Add("strict.example", ZoneRecord.Txt("v=spf1 -all"));
        _dns.Add("_dmarc.forged.example", ZoneRecord.Txt("v=DMARC1; p=reject"));
    }

    public void Dispose() => _dns.Dispose();

    private Task<TestServer> StartAsync(bool mailAuth = true, Action<TempMailRoot>? prepare = null) => TestServer.StartAsync(prepare: root =>
    {
        SmtpTestKit.CaptureSpool(root);
        SmtpTestKit.ServerTab(root, ("SmartDNSHost", _dns.SmartDnsHost), ("PublicSuffixList", MailAuthKit.Fixture("psl-fixture.dat")));
        if (mailAuth)
            SmtpTestKit.ServerTab(root, ("SpfCheck", "2"), ("DkimVerify", "1"), ("ArcVerify", "1"), ("DmarcCheck", "2"), ("AuthResults", "1"),
                ("SmtpEnhancedStatusCodes", "1"));
        prepare?.Invoke(root);
    });

    private byte[] Signed(byte[] message) =>
        Encoding.ASCII.GetBytes(new DkimMessageSigner(TimeProvider.System)
            .Sign(new MemoryStream(message), [_key.Key], XMail.Fast.Core.MailAuth.MailAuthSettings.DefaultSignedHeaders)).Concat(message).ToArray();

    private static async Task<(string Mail, string Data)> SendAsync(LineClient c, string from, byte[] message)
    {
        var mail = await SmtpTestKit.CommandAsync(c, $"MAIL FROM:<{from}>");
        if (!mail.StartsWith("250")) return (mail, "");
        Assert.StartsWith("250", await SmtpTestKit.CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.StartsWith("354", await SmtpTestKit.CommandAsync(c, "DATA"));
        await c.SendRawAsync(message.Concat(".\r\n"u8.ToArray()).ToArray());
        return (mail, (await SmtpTestKit.ReadReplyAsync(c))[^1]);
    }

    [Fact]
    public async Task AlignedMailIsAcceptedWithAuthenticationResultsAndForgedOnesRemoved()
    {
        await using var s = await StartAsync();
        await using var c = await SmtpTestKit.ConnectAsync(s, "client.example.org");
        var message = Encoding.ASCII.GetBytes("Authentication-Results: xmailserver.test; dmarc=pass header.from=example.org\r\n")
            .Concat(Signed(MailAuthKit.Message())).ToArray();
        var (mail, data) = await SendAsync(c, "alice@example.org", message);
        Assert.Equal("250 2.1.0 OK", mail);
        Assert.StartsWith("250 2.0.0 OK <", data);
        var spool = await SmtpTestKit.SpoolTextAsync(s, SmtpTestKit.IdOf(data));
        Assert.NotNull(spool);
        var msg = spool![(spool.IndexOf("<<MAIL-DATA>>\r\n", StringComparison.Ordinal) + 15)..];
        Assert.StartsWith("Authentication-Results: xmailserver.test;\r\n\tspf=pass", msg);
        Assert.Contains("dkim=pass header.d=example.org", msg);
        Assert.Contains("dmarc=pass (p=reject dis=none) header.from=example.org", msg);
        Assert.Single(msg.Split("Authentication-Results:"), p => p.Contains("xmailserver.test")); // our one, the forged one gone
        Assert.DoesNotContain("dmarc=pass header.from=example.org\r\n", msg);
    }

    [Fact]
    public async Task SpfFailIsRefusedAtMailFrom()
    {
        await using var s = await StartAsync();
        await using var c = await SmtpTestKit.ConnectAsync(s, "client.example.org");
        var (mail, _) = await SendAsync(c, "bob@strict.example", MailAuthKit.Message(from: "bob@strict.example"));
        Assert.StartsWith("550 5.7.23 SPF check failed: strict.example does not designate 127.0.0.1", mail);
    }

    [Fact]
    public async Task DmarcRejectIsRefusedAfterDataWith550_5_7_1()
    {
        await using var s = await StartAsync();
        await using var c = await SmtpTestKit.ConnectAsync(s, "client.example.org");
        var (mail, data) = await SendAsync(c, "", MailAuthKit.Message(from: "ceo@forged.example"));
        Assert.StartsWith("250", mail);
        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for forged.example", data);
        Assert.Empty(SmtpTestKit.SpoolFiles(s, "mess"));
    }

    [Fact]
    public async Task AuthenticatedAndIpPropExemptClientsAreNotChecked()
    {
        await using var s = await StartAsync(prepare: root => root.Write("smtp.ipprop.tab", "\"127.0.0.2\"\t\"MailAuthCheck=0\"\n"));
        await using (var c = await SmtpTestKit.ConnectAsync(s, "client.example.org", System.Net.IPAddress.Parse("127.0.0.2")))
        {
            var (_, data) = await SendAsync(c, "ceo@forged.example", MailAuthKit.Message(from: "ceo@forged.example"));
            Assert.StartsWith("250", data);
            Assert.DoesNotContain("Authentication-Results", await SmtpTestKit.SpoolTextAsync(s, SmtpTestKit.IdOf(data)));
        }
        await using (var c = await SmtpTestKit.ConnectAsync(s, "client.example.org"))
        {
            Assert.StartsWith("235", await SmtpTestKit.CommandAsync(c, "AUTH PLAIN " + SmtpTestKit.B64("\0xmailuser@xmailserver.test\0xmail")));
            var (mail, data) = await SendAsync(c, "ceo@strict.example", MailAuthKit.Message(from: "ceo@forged.example"));
            Assert.StartsWith("250", mail);
            Assert.StartsWith("250", data);
        }
    }

    [Fact]
    public async Task EnhancedStatusCodesAreAdvertisedAndSentOnlyWhenConfigured()
    {
        await using (var s = await StartAsync())
        await using (var c = await SmtpTestKit.ConnectAsync(s, null))
        {
            await c.SendLineAsync("EHLO client.example.org");
            var ehlo = await SmtpTestKit.ReadReplyAsync(c);
            Assert.Contains("250-ENHANCEDSTATUSCODES", ehlo);
            Assert.DoesNotContain(ehlo, l => l.Contains("2.0.0"));
            Assert.Equal("503 5.5.1 Bad sequence of commands", await SmtpTestKit.CommandAsync(c, "RCPT TO:<a@b.example>"));
            Assert.StartsWith("250 2.1.0", await SmtpTestKit.CommandAsync(c, "MAIL FROM:<>"));
            Assert.Equal("550 5.7.1 Relay denied", await SmtpTestKit.CommandAsync(c, "RCPT TO:<someone@elsewhere.example>"));
            Assert.Equal("550 5.1.1 Mailbox unavailable <nobody@xmailserver.test>", await SmtpTestKit.CommandAsync(c, "RCPT TO:<nobody@xmailserver.test>"));
            Assert.Equal("250 2.1.5 OK", await SmtpTestKit.CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
            Assert.Equal("500 5.5.2 Syntax error, command unrecognized", await SmtpTestKit.CommandAsync(c, "BOGUS"));
            var help = await SmtpTestKit.CommandAsync(c, "HELP");
            Assert.StartsWith("214 2.0.0 ", help);
        }
        await using (var s = await StartAsync(mailAuth: false))
        await using (var c = await SmtpTestKit.ConnectAsync(s, null))
        {
            await c.SendLineAsync("EHLO client.example.org");
            Assert.DoesNotContain("250-ENHANCEDSTATUSCODES", await SmtpTestKit.ReadReplyAsync(c));
            Assert.Equal("250 OK", await SmtpTestKit.CommandAsync(c, "MAIL FROM:<>"));
            Assert.Equal("550 Relay denied", await SmtpTestKit.CommandAsync(c, "RCPT TO:<someone@elsewhere.example>"));
        }
    }

    [Fact]
    public async Task A127MailRootWithoutTheVariablesAcceptsForgedMailUnchanged()
    {
        await using var s = await StartAsync(mailAuth: false);
        await using var c = await SmtpTestKit.ConnectAsync(s, "client.example.org");
        var (mail, data) = await SendAsync(c, "ceo@strict.example", MailAuthKit.Message(from: "ceo@forged.example"));
        Assert.Equal("250 OK", mail);
        Assert.StartsWith("250 OK <", data);
        Assert.DoesNotContain("Authentication-Results", await SmtpTestKit.SpoolTextAsync(s, SmtpTestKit.IdOf(data)));
        Assert.Equal(0, _dns.Questions);
    }
}
