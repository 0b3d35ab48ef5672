using System.Text;
using System.Text.RegularExpressions;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>DATA and "XMAIL SPOOL DESIGN": the spool file written, dot-unstuffing, the strict CRLF.CRLF end (SMTP smuggling), limits.</summary>
public sealed class SmtpDataTests
{
    private static async Task<LineClient> TransactionAsync(TestServer s, string rcpt = "xmailuser@xmailserver.test")
    {
        var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<sender@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, $"RCPT TO:<{rcpt}>"));
        Assert.StartsWith("354 ", await CommandAsync(c, "DATA"));
        return c;
    }

    [Fact]
    public async Task Spool_file_has_the_xmail_header_received_line_and_unstuffed_body()
    {
        await using var s = await TestServer.StartAsync(prepare: CaptureSpool);
        await using var c = await TransactionAsync(s);
        await c.SendAsync("Subject: headers\r\n\r\nbody\r\n..dot line\r\n.\r\n");
        var ok = (await ReadReplyAsync(c))[0];
        Assert.Matches("^250 OK <S[0-9A-F]+>$", ok);
        var id = IdOf(ok);
        var text = await SpoolTextAsync(s, id);
        Assert.NotNull(text);
        var lines = text!.Split("\r\n");
        Assert.Matches(@"^\[127\.0\.0\.1\]:\d+;\[127\.0\.0\.1\]:\d+;\w{3}, ", lines[0]);
        Assert.Equal("xmailserver.test", lines[1]);
        Assert.Equal(id, lines[2]);
        Assert.Equal("MAIL FROM:<sender@example.org>", lines[3]);
        Assert.Equal("RCPT TO:<xmailuser@xmailserver.test>", lines[4]);
        Assert.Equal("<<MAIL-DATA>>", lines[5]);
        Assert.Matches(@"^Received: from kit\.test \(\[127\.0\.0\.1\]:\d+\)$", lines[6]);
        Assert.Equal("\tby xmailserver.test with [XMail.Fast 1.0.0 ESMTP Server]", lines[7]);
        Assert.Equal($"\tid <{id}> for <xmailuser@xmailserver.test> from <sender@example.org>;", lines[8]);
        Assert.Matches(@"^\t\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}$", lines[9]);
        Assert.Equal("Subject: headers", lines[10]);
        Assert.Equal("", lines[11]);
        Assert.Equal("body", lines[12]);
        Assert.Equal(".dot line", lines[13]);
        Assert.Equal("", lines[14]);
        Assert.Equal(15, lines.Length);
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\n.\r\n")]
    [InlineData("\r\n.\n")]
    [InlineData("\r\n.\r")]
    public async Task Smuggling_sequences_never_end_the_message(string sequence)
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await TransactionAsync(s);
        // A smuggled second transaction: if the server took the sequence as end of data it would run these commands.
        await c.SendAsync("Subject: smuggle\r\n\r\nfirst" + sequence +
            "MAIL FROM:<evil@example.org>\r\nRCPT TO:<xmailuser@xmailserver.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
        var reply = (await ReadReplyAsync(c))[0];
        // The only terminator is the final CRLF.CRLF; the bare CR/LF makes the whole message refused.
        Assert.Equal("554 Bare LF or CR in message data; lines must end with CRLF", reply);
        Assert.Equal("250 OK", await CommandAsync(c, "NOOP"));
        Assert.Empty(SpoolFiles(s));
    }

    [Fact]
    public async Task Bare_lf_lines_are_refused_after_reading_to_the_real_terminator()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await TransactionAsync(s);
        await c.SendAsync("Subject: lf\n\nbody\n.\n\r\n.\r\n");
        Assert.Equal("554 Bare LF or CR in message data; lines must end with CRLF", (await ReadReplyAsync(c))[0]);
        Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
        Assert.Empty(SpoolFiles(s));
        Assert.Empty(SpoolFiles(s, "temp"));
    }

    [Fact]
    public async Task Nul_bytes_and_overlong_lines_are_refused()
    {
        await using var s = await TestServer.StartAsync();
        await using (var c = await TransactionAsync(s))
        {
            await c.SendAsync("Subject: nul\r\n\r\na\0b\r\n.\r\n");
            Assert.Equal("554 NUL character in message data", (await ReadReplyAsync(c))[0]);
        }
        await using (var c = await TransactionAsync(s))
        {
            await c.SendAsync("Subject: long\r\n\r\n" + new string('x', 5000) + "\r\nafter\r\n.\r\n");
            Assert.Equal("554 Message line too long", (await ReadReplyAsync(c))[0]);
            Assert.Equal("250 OK", await CommandAsync(c, "NOOP"));
        }
        Assert.Empty(SpoolFiles(s));
    }

    [Fact]
    public async Task Max_message_size_is_enforced_in_mail_from_and_data()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.AppendAllText(r.File("server.tab"), "\"MaxMessageSize\"\t\"1\"\n"));
        await using var c = await ConnectAsync(s);
        Assert.Equal("552 Message exceeds fixed maximum message size", await CommandAsync(c, "MAIL FROM:<a@example.org> SIZE=5000"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org> SIZE=500"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.StartsWith("354", await CommandAsync(c, "DATA"));
        var sb = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; i < 40; i++) sb.Append(new string('y', 70)).Append("\r\n");
        await c.SendAsync(sb + ".\r\n");
        Assert.Equal("552 Message exceeds fixed maximum message size", (await ReadReplyAsync(c))[0]);
        Assert.Empty(SpoolFiles(s));
    }

    [Fact]
    public async Task Pipelined_transactions_are_answered_in_order()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        var one = "MAIL FROM:<a@example.org>\r\nRCPT TO:<xmailuser@xmailserver.test>\r\nRCPT TO:<nobody@xmailserver.test>\r\nDATA\r\n";
        await c.SendAsync(one);
        Assert.Equal("250 OK", (await ReadReplyAsync(c))[0]);
        Assert.Equal("250 OK", (await ReadReplyAsync(c))[0]);
        Assert.Equal("550 Mailbox unavailable <nobody@xmailserver.test>", (await ReadReplyAsync(c))[0]);
        Assert.StartsWith("354", (await ReadReplyAsync(c))[0]);
        await c.SendAsync("Subject: p\r\n\r\nx\r\n.\r\nMAIL FROM:<b@example.org>\r\nRCPT TO:<root@xmailserver.test>\r\nDATA\r\nSubject: q\r\n\r\ny\r\n.\r\nQUIT\r\n");
        Assert.Matches("^250 OK <S", (await ReadReplyAsync(c))[0]);
        Assert.Equal("250 OK", (await ReadReplyAsync(c))[0]);
        Assert.Equal("250 OK", (await ReadReplyAsync(c))[0]);
        // DATA's 354 must come before the body is read, even pipelined (RFC 2920 §3.1: DATA ends a group).
        Assert.StartsWith("354", (await ReadReplyAsync(c))[0]);
        Assert.Matches("^250 OK <S", (await ReadReplyAsync(c))[0]);
        Assert.StartsWith("221", (await ReadReplyAsync(c))[0]);
    }

    [Fact]
    public async Task Several_recipients_share_one_spool_file_and_the_received_line_names_none()
    {
        await using var s = await TestServer.StartAsync(prepare: CaptureSpool);
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<postmaster@xmailserver.test>"));
        Assert.StartsWith("354", await CommandAsync(c, "DATA"));
        await c.SendAsync("Subject: two\r\n\r\nx\r\n.\r\n");
        var text = await SpoolTextAsync(s, IdOf((await ReadReplyAsync(c))[0]));
        var lines = text!.Split("\r\n");
        Assert.Equal("RCPT TO:<xmailuser@xmailserver.test>", lines[4]);
        Assert.Equal("RCPT TO:<postmaster@xmailserver.test>", lines[5]);
        Assert.DoesNotContain(" for <", text);
    }
}
