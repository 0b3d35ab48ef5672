using System.Text;
using System.Text.RegularExpressions;
using XMail.Fast.Core.Config;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Pop3;

/// <summary>"POP3 COMMANDS" and the pop3.* transcripts of observed-transcripts.md, over raw sockets.</summary>
public class Pop3CommandsTests
{
    private static readonly string Impl = "[" + MailServerContext.ProductName + " POP3 Server]";

    [Fact]
    public async Task Banner_capa_and_quit_before_login_match_the_transcript()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await LineClient.ConnectAsync(s.Port("POP3"));
        var banner = await c.ReadLineAsync();
        Assert.Matches(new Regex(@"^\+OK <\d+\.\d+@xmailserver\.test> " + Regex.Escape(Impl) +
                                 @" service ready; \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}$"), banner);
        await c.SendLineAsync("CAPA");
        Assert.Equal("+OK Capability list follows", await c.ReadLineAsync());
        // No server.cert in this MailRoot: STLS is not offered.
        Assert.Equal(["TOP", "USER", "UIDL", "PIPELINING", "IMPLEMENTATION " + Impl], await c.ReadDotListAsync());
        Assert.Equal("+OK " + Impl + " closing session", await Ask(c, "QUIT"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Capa_lists_STLS_when_a_certificate_exists()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await ConnectAsync(s);
        await c.SendLineAsync("CAPA");
        Assert.Equal("+OK Capability list follows", await c.ReadLineAsync());
        Assert.Equal(["TOP", "USER", "UIDL", "PIPELINING", "STLS", "IMPLEMENTATION " + Impl], await c.ReadDotListAsync());
    }

    [Fact]
    public async Task User_pass_stat_match_the_transcript()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1000000000001.kit.m1", MessageOfSize(96, "1"));
        Put(s, "1000000000002.kit.m2", MessageOfSize(96, "2"));
        await using var c = await ConnectAsync(s);
        Assert.Equal("+OK Password required for xmailuser@xmailserver.test", await Ask(c, "USER xmailuser@xmailserver.test"));
        Assert.Equal("+OK Maildrop has 2 messages (192 bytes)", await Ask(c, "PASS xmail"));
        Assert.Equal("+OK 2 192", await Ask(c, "STAT"));
        Assert.Equal("+OK " + Impl + " closing session", await Ask(c, "QUIT"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task List_and_uidl_with_good_and_bad_numbers_match_the_transcript()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1000000000001.kit.m1", MessageOfSize(96, "1"));
        Put(s, "1000000000002.kit.m2", MessageOfSize(96, "2"));
        Put(s, "1000000000003.kit.m3", MessageOfSize(96, "3"));
        await using var c = await LoginAsync(s);
        Assert.Equal("+OK 3 288", await Ask(c, "STAT"));
        Assert.Equal("+OK 3 288", await Ask(c, "LIST"));
        Assert.Equal(["1 96", "2 96", "3 96"], await c.ReadDotListAsync());
        Assert.Equal("+OK 2 96", await Ask(c, "LIST 2"));
        Assert.Equal("-ERR No such message", await Ask(c, "LIST 0"));
        Assert.Equal("-ERR No such message", await Ask(c, "LIST 4"));
        Assert.Equal("-ERR No such message", await Ask(c, "LIST -1"));
        Assert.Equal("+OK 3 288", await Ask(c, "LIST abc"));
        Assert.Equal(["1 96", "2 96", "3 96"], await c.ReadDotListAsync());
        Assert.Equal("+OK 3", await Ask(c, "UIDL"));
        var uidls = await c.ReadDotListAsync();
        Assert.Equal(["1000000000001.kit.m1", "1000000000002.kit.m2", "1000000000003.kit.m3"], uidls.Select(l => l.Split(' ')[1]).Order());
        Assert.Equal(["1", "2", "3"], uidls.Select(l => l.Split(' ')[0]));
        var third = uidls[2].Split(' ')[1];
        Assert.Equal("+OK 3 " + third, await Ask(c, "UIDL 3"));
        Assert.Equal("-ERR No such message", await Ask(c, "UIDL 4"));
        Assert.Equal("+OK 3", await Ask(c, "UIDL x"));
        Assert.Equal(uidls, await c.ReadDotListAsync());
        Assert.StartsWith("+OK", await Ask(c, "QUIT"));
    }

    [Fact]
    public async Task Dele_and_rset_match_the_transcript_and_nothing_is_deleted_without_quit()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1000000000001.kit.m1", MessageOfSize(96, "1"));
        Put(s, "1000000000002.kit.m2", MessageOfSize(96, "2"));
        await using (var c = await LoginAsync(s))
        {
            Assert.Equal("+OK Message deleted", await Ask(c, "DELE 1"));
            Assert.Equal("+OK 1 96", await Ask(c, "STAT"));
            Assert.Equal("+OK 1 96", await Ask(c, "LIST"));
            Assert.Equal(["2 96"], await c.ReadDotListAsync());
            Assert.Equal("-ERR No such message", await Ask(c, "LIST 1"));
            Assert.Equal("-ERR Message deleted", await Ask(c, "DELE 1"));
            Assert.Equal("-ERR Message deleted", await Ask(c, "RETR 1"));
            Assert.Equal("-ERR Message deleted", await Ask(c, "TOP 1 0"));
            Assert.Equal("-ERR No such message", await Ask(c, "UIDL 1"));
            Assert.Equal("+OK 1", await Ask(c, "UIDL"));
            Assert.Equal(["2 1000000000002.kit.m2"], await c.ReadDotListAsync());
            Assert.Equal("-ERR Message out of range", await Ask(c, "DELE 3"));
            Assert.Equal("-ERR Invalid syntax", await Ask(c, "DELE"));
            Assert.Equal("+OK Maildrop has 2 messages (192 bytes)", await Ask(c, "RSET"));
            Assert.Equal("+OK 2 192", await Ask(c, "STAT"));
            Assert.Equal("+OK 2 192", await Ask(c, "LIST"));
            Assert.Equal(["1 96", "2 96"], await c.ReadDotListAsync());
            // Delete, then drop the connection without QUIT: the deletion must not happen.
            Assert.Equal("+OK Message deleted", await Ask(c, "DELE 2"));
        }
        Assert.True(await TestServer.WaitUntilAsync(() => LockIsFree(s)));
        Assert.Equal(2, NewFiles(s).Length);

        await using (var c = await LoginAsync(s))
        {
            Assert.Equal("+OK Message deleted", await Ask(c, "DELE 2"));
            Assert.StartsWith("+OK", await Ask(c, "QUIT"));
        }
        Assert.Equal(["1000000000001.kit.m1"], NewFiles(s));
    }

    private static bool LockIsFree(TestServer s)
    {
        var path = Path.Combine(s.Root.Path, "pop3locks", "xmailuser@xmailserver.test");
        try
        {
            using var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException) { return false; }
    }

    [Fact]
    public async Task Retr_byte_stuffs_dot_lines_and_turns_bare_LF_into_CRLF()
    {
        await using var s = await TestServer.StartAsync();
        // XMail's own delivered files mix LF and CRLF line ends; the last line has no terminator at all.
        var content = "Return-Path: <a@b.test>\nSubject: dots\r\n\r\n.\r\n..two\r\nplain\n.lf-dot\nend";
        Put(s, "1.m", content);
        await using var c = await LoginAsync(s);
        await c.SendLineAsync("RETR 1");
        Assert.Equal($"+OK {content.Length} bytes", await c.ReadLineAsync());
        var raw = await ReadRawUntilTerminator(c);
        Assert.Equal("Return-Path: <a@b.test>\r\nSubject: dots\r\n\r\n..\r\n...two\r\nplain\r\n..lf-dot\r\nend\r\n.\r\n", raw);
        Assert.Equal("+OK 1", await Ask(c, "LAST"));
    }

    /// <summary>Reads exact bytes (not lines) up to CRLF.CRLF, so line-end conversion is checked byte for byte.</summary>
    private static async Task<string> ReadRawUntilTerminator(LineClient c)
    {
        var sb = new StringBuilder();
        while (true)
        {
            var line = await c.ReadLineAsync();
            Assert.NotNull(line);
            sb.Append(line).Append("\r\n");
            if (line == ".") return sb.ToString();
        }
    }

    [Fact]
    public async Task Top_sends_headers_blank_line_and_n_body_lines()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1.m", "Subject: t\r\nX: y\r\n\r\nl1\r\n.l2\r\nl3\r\n");
        await using var c = await LoginAsync(s);
        await c.SendLineAsync("TOP 1 2");
        Assert.Equal("+OK message is 33 bytes", await c.ReadLineAsync());
        Assert.Equal(["Subject: t", "X: y", "", "l1", "..l2"], await c.ReadDotListAsync());
        await c.SendLineAsync("TOP 1 0");
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        Assert.Equal(["Subject: t", "X: y", ""], await c.ReadDotListAsync());
        Assert.Equal("-ERR Invalid syntax", await Ask(c, "TOP 1"));
        Assert.Equal("-ERR Message out of range", await Ask(c, "TOP 2 1"));
        Assert.Equal("-ERR Message out of range", await Ask(c, "RETR 0"));
        Assert.Equal("-ERR Invalid syntax", await Ask(c, "RETR"));
    }

    [Fact]
    public async Task Transaction_commands_before_login_are_refused_and_unknown_commands_rejected()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        foreach (var cmd in new[] { "STAT", "LIST", "UIDL", "RETR 1", "TOP 1 1", "DELE 1", "NOOP", "LAST", "RSET" })
            Assert.Equal("-ERR Command not valid here", await Ask(c, cmd));
        Assert.Equal("-ERR Command not valid here", await Ask(c, "PASS xmail"));
        Assert.Equal("-ERR Invalid command", await Ask(c, "HELO there"));
        Assert.Equal("-ERR Invalid syntax", await Ask(c, "USER"));
        Assert.Equal("-ERR Invalid syntax", await Ask(c, "USER a b"));
        Assert.Equal("+OK Password required for xmailuser@xmailserver.test", await Ask(c, "user xmailuser"));
        Assert.Equal("-ERR Command not valid here", await Ask(c, "USER xmailuser"));
        Assert.StartsWith("+OK Maildrop has 0 messages", await Ask(c, "pass xmail"));
        Assert.Equal("-ERR Command not valid here", await Ask(c, "USER xmailuser"));
        Assert.Equal("-ERR Command not valid here", await Ask(c, "STLS"));
        Assert.Equal("+OK Maildrop has 0 messages (0 bytes)", await Ask(c, "NOOP"));
        Assert.Equal("+OK 0", await Ask(c, "LAST"));
    }

    [Fact]
    public async Task Over_long_lines_get_an_error_and_the_session_goes_on()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        await c.SendLineAsync("USER " + new string('a', 5000));
        Assert.Equal("-ERR Command line too long", await c.ReadLineAsync());
        Assert.Equal("+OK Password required for xmailuser@xmailserver.test", await Ask(c, "USER xmailuser@xmailserver.test"));
        Assert.StartsWith("+OK Maildrop", await Ask(c, "PASS xmail"));
    }

    [Fact]
    public async Task Bad_password_unknown_user_and_bad_apop_are_refused()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS wrong"));
        await Ask(c, "USER nobody@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
        await Ask(c, "USER xmailuser@../etc");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "APOP xmailuser@xmailserver.test 00000000000000000000000000000000"));
        Assert.Equal("-ERR Invalid syntax", await Ask(c, "APOP xmailuser"));
        // The session is still usable after failures.
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.StartsWith("+OK Maildrop", await Ask(c, "PASS xmail"));
    }

    [Fact]
    public async Task Apop_with_the_banner_timestamp_logs_in()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1.m", MessageOfSize(100));
        await using var c = await LineClient.ConnectAsync(s.Port("POP3"));
        var banner = (await c.ReadLineAsync())!;
        var stamp = Regex.Match(banner, "<[^>]+>").Value;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.Latin1.GetBytes(stamp + "xmail")));
        Assert.Equal("+OK Maildrop has 1 messages (100 bytes)", await Ask(c, $"APOP xmailuser@xmailserver.test {digest.ToUpperInvariant()}"));
    }

    [Fact]
    public async Task A_second_session_on_a_locked_mailbox_is_refused_until_the_first_ends()
    {
        await using var s = await TestServer.StartAsync();
        var first = await LoginAsync(s);
        await using var second = await ConnectAsync(s);
        await Ask(second, "USER xmailuser@xmailserver.test");
        var refused = await Ask(second, "PASS xmail");
        Assert.StartsWith("-ERR", refused);
        Assert.Contains("locked", refused);
        // Abrupt disconnect of the first session (no QUIT) must release the lock.
        await first.DisposeAsync();
        Assert.True(await TestServer.WaitUntilAsync(() => LockIsFree(s)));
        await Ask(second, "USER xmailuser@xmailserver.test");
        Assert.StartsWith("+OK Maildrop", await Ask(second, "PASS xmail"));
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1.m", "Subject: a\r\n\r\nbody\r\n");
        await using var c = await ConnectAsync(s);
        await c.SendAsync("USER xmailuser@xmailserver.test\r\nPASS xmail\r\nSTAT\r\nRETR 1\r\nUIDL 1\r\nQUIT\r\n");
        Assert.StartsWith("+OK Password", await c.ReadLineAsync());
        Assert.StartsWith("+OK Maildrop has 1", await c.ReadLineAsync());
        Assert.Equal("+OK 1 20", await c.ReadLineAsync());
        Assert.Equal("+OK 20 bytes", await c.ReadLineAsync());
        Assert.Equal(["Subject: a", "", "body"], await c.ReadDotListAsync());
        Assert.Equal("+OK 1 1.m", await c.ReadLineAsync());
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Large_message_streams_whole_and_unchanged()
    {
        await using var s = await TestServer.StartAsync();
        var sb = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; sb.Length < 3_000_000; i++) sb.Append(i % 7 == 0 ? "." : "").Append("line ").Append(i).Append("\r\n");
        Put(s, "big.m", sb.ToString());
        await using var c = await LoginAsync(s);
        await c.SendLineAsync("RETR 1");
        Assert.Equal($"+OK {sb.Length} bytes", await c.ReadLineAsync());
        var lines = await c.ReadDotListAsync();
        var expected = sb.ToString().Split("\r\n")[..^1].Select(l => l.StartsWith('.') ? "." + l : l).ToList();
        Assert.Equal(expected.Count, lines.Count);
        Assert.Equal(expected, lines);
    }
}
