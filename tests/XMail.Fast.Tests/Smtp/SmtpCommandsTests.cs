using System.Text.RegularExpressions;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTP COMMANDS": the wire lines of observed-transcripts.md smtp.* sections.</summary>
public sealed class SmtpCommandsTests
{
    [Fact]
    public async Task Banner_and_quit_match_xmail()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        var banner = await c.ReadLineAsync();
        Assert.Matches(new Regex(@"^220 xmailserver\.test <\d+\.\d+@xmailserver\.test> \[XMail\.Fast 1\.0\.0 ESMTP Server\] service ready; \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}$"), banner);
        Assert.Equal("221 [XMail.Fast 1.0.0 ESMTP Server] service closing transmission channel", await CommandAsync(c, "QUIT"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Ehlo_lists_extensions_in_xmail_order()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await ConnectAsync(s, ehlo: null);
        await c.SendLineAsync("EHLO kit.test");
        var lines = await ReadReplyAsync(c);
        Assert.Equal(["250-xmailserver.test", "250-VRFY", "250-ETRN", "250-8BITMIME", "250-PIPELINING",
            "250-AUTH LOGIN PLAIN CRAM-MD5", "250-SIZE", "250 STARTTLS"], lines);
        Assert.Equal("250 xmailserver.test", await CommandAsync(c, "HELO kit.test"));
    }

    [Fact]
    public async Task Ehlo_advertises_max_size_and_no_starttls_without_certificate()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.AppendAllText(r.File("server.tab"), "\"MaxMessageSize\"\t\"100\"\n"));
        await using var c = await ConnectAsync(s, ehlo: null);
        await c.SendLineAsync("EHLO kit.test");
        var lines = await ReadReplyAsync(c);
        Assert.Equal("250 SIZE 102400", lines[^1]);
    }

    [Fact]
    public async Task Rcpt_forms_match_the_observed_transcript()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        async Task<string> Try(string rcpt)
        {
            Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
            Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
            return await CommandAsync(c, rcpt);
        }
        Assert.Equal("250 OK", await Try("RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await Try("RCPT TO:<XMAILUSER@XMAILSERVER.TEST>"));
        Assert.Equal("250 OK", await Try("rcpt to:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await Try("RCPT TO: <xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await Try("RCPT TO:<root@xmailserver.test>"));
        Assert.Equal("550 Mailbox unavailable <nobody@xmailserver.test>", await Try("RCPT TO:<nobody@xmailserver.test>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<someone@example.com>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<someone@sub.xmailserver.test>"));
        Assert.Equal("501 Syntax error in parameters or arguments: (-31)", await Try("RCPT TO:xmailuser@xmailserver.test"));
        Assert.Equal("501 Syntax error in parameters or arguments: (-132)", await Try("RCPT TO:<rl>"));
        Assert.Equal("501 Syntax error in forward path", await Try("RCPT TO:<>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<@hop.example.net:xmailuser@xmailserver.test>"));
        Assert.Equal("555 MAIL FROM/RCPT TO parameters not recognized or not implemented", await Try("RCPT TO:<xmailuser@xmailserver.test> NOTIFY=NEVER"));
        Assert.Equal("501 Syntax error in parameters or arguments: (-132)", await Try("RCPT TO:<\"rl\"@xmailserver.test>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<rl@[127.0.0.1]>"));
        Assert.Equal("501 Syntax error in parameters or arguments: (-132)", await Try("RCPT TO:<rl@xmailserver.test.>"));
        Assert.Equal("500 Syntax error, command unrecognized", await Try("RCPT  TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("500 Syntax error, command unrecognized", await Try("RCPT TO <xmailuser@xmailserver.test>"));
        Assert.Equal("550 Mailbox unavailable <victim%example.com@xmailserver.test>", await Try("RCPT TO:<victim%example.com@xmailserver.test>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<@xmailserver.test:victim@example.com>"));
        Assert.Equal("550 Relay denied", await Try("RCPT TO:<@xmailserver.test,@other.example:victim@example.com>"));
        Assert.Equal("501 Syntax error in parameters or arguments: (-260)", await Try("RCPT TO:<victim@example.com@xmailserver.test>"));
        Assert.Equal("550 Mailbox unavailable <victim!example.com@xmailserver.test>", await Try("RCPT TO:<victim!example.com@xmailserver.test>"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "DATA"));
    }

    [Fact]
    public async Task Data_is_acknowledged_with_the_smtp_id_and_resets_the_transaction()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        await c.SendAsync("Subject: basic\r\n\r\nhello\r\n.\r\n");
        var ok = (await ReadReplyAsync(c))[0];
        Assert.Matches(new Regex("^250 OK <S[0-9A-F]+>$"), ok);
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "DATA"));
    }

    [Fact]
    public async Task Commands_out_of_sequence_get_503()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s, ehlo: null);
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "DATA"));
        Assert.Equal("250 OK", await CommandAsync(c, "NOOP"));
        Assert.Equal("250 xmailserver.test", await CommandAsync(c, "HELO kit.test"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        // XMail drops the transaction on a MAIL out of sequence: RCPT is now out of sequence too.
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, "HELO"));
        Assert.StartsWith("214", await CommandAsync(c, "HELP"));
        Assert.Equal("500 Syntax error, command unrecognized", await CommandAsync(c, "XYZZY"));
    }
}
