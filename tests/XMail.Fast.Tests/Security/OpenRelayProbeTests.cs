using System.Net.Security;
using System.Text;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// The open-relay probes an attacker (or a relay test service) sends, against a server started from MailRoot.template
/// on a local domain with one account: every attempt to get mail to an outside address is refused. The client
/// connects from 127.0.0.1, which the template does not trust either.
/// </summary>
public sealed class OpenRelayProbeTests(TemplateServer template) : IClassFixture<TemplateServer>
{
    private TestServer S => template.Server;

    private static bool Refused(string reply) => reply[0] is '4' or '5';

    private async Task<string> RcptReplyAsync(string mailFrom, string rcptTo)
    {
        await using var c = await ConnectAsync(S, "probe.test");
        var mail = await CommandAsync(c, "MAIL FROM:" + mailFrom);
        if (Refused(mail)) return mail;
        return await CommandAsync(c, "RCPT TO:" + rcptTo);
    }

    [Theory]
    [InlineData("<probe@outside.test>", "<victim@elsewhere.test>")] // plain relay
    [InlineData("<user@example.test>", "<victim@elsewhere.test>")] // forged local sender
    [InlineData("<>", "<victim@elsewhere.test>")] // null sender
    [InlineData("<probe@outside.test>", "<victim%elsewhere.test@example.test>")] // %-hack
    [InlineData("<probe@outside.test>", "<victim%elsewhere.test@[127.0.0.1]>")] // %-hack on an IP literal
    [InlineData("<probe@outside.test>", "<@example.test:victim@elsewhere.test>")] // source route through us
    [InlineData("<probe@outside.test>", "<@elsewhere.test:user@example.test>")] // source route through an outside hop
    [InlineData("<probe@outside.test>", "<\"victim@elsewhere.test\"@example.test>")] // quoted local part
    [InlineData("<probe@outside.test>", "<elsewhere.test!victim@example.test>")] // bang path
    [InlineData("<probe@outside.test>", "<elsewhere.test!victim>")] // bare bang path
    [InlineData("<probe@outside.test>", "<victim@[192.0.2.1]>")] // IP literal
    [InlineData("<probe@outside.test>", "<victim@[127.0.0.1]>")] // IP literal of this host
    [InlineData("<probe@outside.test>", "<victim@elsewhere.test.>")] // trailing dot
    [InlineData("<probe@outside.test>", "<victim@example.test@elsewhere.test>")] // two @
    [InlineData("<probe@outside.test>", "<victim@elsewhere.test> NOTIFY=NEVER")] // parameters
    [InlineData("<user@example.test> AUTH=user@example.test", "<victim@elsewhere.test>")] // AUTH= forgery (RFC 4954 5)
    public async Task Relay_attempts_are_refused(string mailFrom, string rcptTo)
    {
        var reply = await RcptReplyAsync(mailFrom, rcptTo);
        Assert.True(Refused(reply), $"MAIL FROM:{mailFrom} RCPT TO:{rcptTo} -> {reply}");
    }

    [Fact]
    public async Task Mail_for_the_local_account_is_still_accepted() =>
        Assert.StartsWith("250", await RcptReplyAsync("<probe@outside.test>", "<user@example.test>"));

    [Fact]
    public async Task POP3_before_SMTP_is_off()
    {
        var pop = await LineClient.ConnectAsync(S.Port("POP3"));
        await using (pop)
        {
            Assert.StartsWith("+OK", await pop.ReadLineAsync());
            await pop.SendLineAsync("USER " + TemplateServer.User);
            Assert.StartsWith("+OK", await pop.ReadLineAsync());
            await pop.SendLineAsync("PASS " + TemplateServer.Password);
            Assert.StartsWith("+OK", await pop.ReadLineAsync());
        }
        var reply = await RcptReplyAsync("<user@example.test>", "<victim@elsewhere.test>");
        Assert.True(Refused(reply), "after a POP3 login from this address: " + reply);
    }

    [Fact]
    public async Task AUTH_is_neither_offered_nor_accepted_before_STARTTLS()
    {
        await using var c = await ConnectAsync(S, ehlo: null);
        await c.SendLineAsync("EHLO probe.test");
        var ehlo = await ReadReplyAsync(c);
        Assert.DoesNotContain(ehlo, l => l.Contains("AUTH"));
        Assert.Contains("250 STARTTLS", ehlo);
        Assert.StartsWith("504 ", await CommandAsync(c, "AUTH PLAIN " + Plain(TemplateServer.User, TemplateServer.Password)));
        Assert.True(Refused(await CommandAsync(c, "MAIL FROM:<user@example.test>")) ||
                    Refused(await CommandAsync(c, "RCPT TO:<victim@elsewhere.test>")));
    }

    /// <summary>After STARTTLS the old template's account is gone, and a real login relays: the refusals above are policy.</summary>
    [Fact]
    public async Task After_STARTTLS_only_a_real_account_relays()
    {
        await using var c = await StartTlsAsync();
        // The template also turns on enhanced status codes: "503 5.7.8 Authentication failed".
        Assert.Matches(@"^503 (5\.7\.8 )?Authentication failed", await CommandAsync(c, "AUTH PLAIN " + Plain("xmailuser@xmailserver.test", "xmail")));
        Assert.StartsWith("235 ", await CommandAsync(c, "AUTH PLAIN " + Plain(TemplateServer.User, TemplateServer.Password)));
        Assert.StartsWith("250 ", await CommandAsync(c, "MAIL FROM:<user@example.test>"));
        Assert.StartsWith("250 ", await CommandAsync(c, "RCPT TO:<friend@elsewhere.test>"));
    }

    private async Task<LineClient> StartTlsAsync()
    {
        var c = await ConnectAsync(S, "probe.test");
        Assert.StartsWith("220 ", await CommandAsync(c, "STARTTLS"));
        var tls = new SslStream(c.Stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        c.Stream = tls;
        await c.SendLineAsync("EHLO probe.test");
        Assert.Contains(await ReadReplyAsync(c), l => l.Contains("AUTH") && l.Contains("PLAIN"));
        return c;
    }

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.Latin1.GetBytes("\0" + user + "\0" + password));
}
