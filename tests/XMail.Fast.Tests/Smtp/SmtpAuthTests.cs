using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using XMail.Fast.Core.Security;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTPAUTH.TAB" and "SSL CONFIGURATION": AUTH PLAIN/LOGIN/CRAM-MD5, smtpauth.tab, STARTTLS, SMTPS, MailKit as the client.</summary>
public sealed class SmtpAuthTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Auth_plain_matches_the_observed_transcript()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("503 Authentication failed", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0wrong")));
        Assert.Equal("503 Authentication failed", await CommandAsync(c, "AUTH PLAIN " + B64("\0nobody@xmailserver.test\0xmail")));
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, "AUTH PLAIN !!!notbase64"));
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, "AUTH PLAIN"));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser:xmailserver.test\0xmail")));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        // Authenticated with DefaultSmtpPerms "MRVZ": relay is allowed.
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<someone@example.com>"));
    }

    [Fact]
    public async Task Auth_login_and_password_case_matters()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("334 VXNlcm5hbWU6", await CommandAsync(c, "AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await CommandAsync(c, B64("xmailuser@xmailserver.test")));
        Assert.Equal("503 Authentication failed", await CommandAsync(c, B64("XMAIL")));
        Assert.Equal("334 UGFzc3dvcmQ6", await CommandAsync(c, "AUTH LOGIN " + B64("xmailuser@xmailserver.test")));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, B64("xmail")));
    }

    [Fact]
    public async Task Cram_md5_challenge_is_the_greeting_timestamp()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        var banner = (await c.ReadLineAsync())!;
        var stamp = banner.Split(' ')[2];
        await c.SendLineAsync("EHLO kit.test");
        await ReadReplyAsync(c);
        var challenge = await CommandAsync(c, "AUTH CRAM-MD5");
        Assert.Equal("334 " + B64(stamp), challenge);
        Assert.Equal("503 Authentication failed", await CommandAsync(c, B64("xmailuser@xmailserver.test " + Md5Hex.Hmac("bad", stamp))));
        await CommandAsync(c, "AUTH CRAM-MD5");
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, B64("no-space-in-response")));
        await CommandAsync(c, "AUTH CRAM-MD5");
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, "*"));
        await CommandAsync(c, "AUTH CRAM-MD5");
        Assert.Equal("235 Authentication successful", await CommandAsync(c, B64("xmailuser@xmailserver.test " + Md5Hex.Hmac("xmail", stamp))));
    }

    [Fact]
    public async Task Smtpauth_tab_accounts_carry_their_own_permissions()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.WriteAllText(r.File("smtpauth.tab"), "\"relayer\"\t\"pw1\"\t\"MR\"\n\"mailer\"\t\"pw2\"\t\"M\"\n"));
        await using (var c = await ConnectAsync(s))
        {
            Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0mailer\0pw2")));
            Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
            Assert.Equal("550 Relay denied", await CommandAsync(c, "RCPT TO:<x@example.com>"));
        }
        await using (var c = await ConnectAsync(s))
        {
            Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0relayer\0pw1")));
            Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
            Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<x@example.com>"));
        }
    }

    [Fact]
    public async Task Authenticated_message_gets_x_authuser()
    {
        await using var s = await TestServer.StartAsync(prepare: CaptureSpool);
        await using var c = await ConnectAsync(s);
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<root@xmailserver.test>"));
        await CommandAsync(c, "DATA");
        await c.SendAsync("Subject: a\r\n\r\nb\r\n.\r\n");
        var text = await SpoolTextAsync(s, IdOf((await ReadReplyAsync(c))[0]));
        Assert.Contains("\r\nX-AuthUser: xmailuser@xmailserver.test\r\nSubject: a\r\n", text);
    }

    [Fact]
    public async Task SmtpNoTLSAuths_limits_clear_text_mechanisms()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.AppendAllText(r.File("server.tab"), "\"SmtpNoTLSAuths\"\t\"CRAM-MD5\"\n"));
        await using var c = await ConnectAsync(s, ehlo: null);
        await c.SendLineAsync("EHLO kit.test");
        Assert.Contains("250-AUTH CRAM-MD5", await ReadReplyAsync(c));
        Assert.Equal("504 Unrecognized authentication type", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
    }

    [Fact]
    public async Task MailKit_sends_over_starttls_with_auth()
    {
        await using var s = await TestServer.StartAsync(prepare: r => { TestCertificates.WriteTo(r.Path); CaptureSpool(r); });
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", s.Port("SMTP"), SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("xmailuser@xmailserver.test", "xmail");
        var msg = new MimeMessage();
        msg.From.Add(MailboxAddress.Parse("xmailuser@xmailserver.test"));
        msg.To.Add(MailboxAddress.Parse("root@xmailserver.test"));
        msg.Subject = "over tls";
        msg.Body = new TextPart("plain") { Text = ".leading dot\nsecond line" };
        var response = await client.SendAsync(msg);
        Assert.Matches("^OK <S[0-9A-F]+>$", response);
        await client.DisconnectAsync(true);
        var text = await SpoolTextAsync(s, IdOf(response));
        Assert.Contains("\r\n.leading dot\r\nsecond line", text);
        Assert.Contains("Subject: over tls", text);
    }

    [Fact]
    public async Task MailKit_sends_over_implicit_tls_smtps()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", s.Port("SMTPS"), SecureSocketOptions.SslOnConnect);
        Assert.DoesNotContain(SmtpCapabilities.StartTLS, new[] { client.Capabilities & SmtpCapabilities.StartTLS }.Where(x => x != 0));
        var msg = new MimeMessage();
        msg.From.Add(MailboxAddress.Parse("a@example.org"));
        msg.To.Add(MailboxAddress.Parse("xmailuser@xmailserver.test"));
        msg.Subject = "smtps";
        msg.Body = new TextPart("plain") { Text = "hi" };
        Assert.StartsWith("OK <S", await client.SendAsync(msg));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Starttls_with_pipelined_commands_is_refused()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await ConnectAsync(s);
        await c.SendAsync("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n");
        var reply = (await ReadReplyAsync(c))[0];
        Assert.StartsWith("421 ", reply);
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Starttls_without_certificate_is_unavailable()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("454 TLS not available due to temporary reason", await CommandAsync(c, "STARTTLS"));
    }
}
