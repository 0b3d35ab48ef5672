using System.Buffers;
using System.Net;
using System.Text;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Smtp;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Smtp;

/// <summary>
/// Policy without sockets, Postfix smtpd_check style: one scenario per row (peer IP, auth, MAIL, RCPT → reply),
/// plus the DATA scanner and the command parser driven directly.
/// </summary>
public sealed class SmtpPolicyScenarioTests : IDisposable
{
    private readonly TempMailRoot _root = new();

    public void Dispose() => _root.Dispose();

    private SmtpPolicy Policy(out MailServerContext ctx)
    {
        ctx = new MailServerContext(new MailRoot(_root.Path), new XMailOptions { MailRootPath = _root.Path });
        return new SmtpPolicy(ctx);
    }

    [Theory]
    // peer ip, perms, sender, recipient, expected reply (null = accepted)
    [InlineData("127.0.0.1", "", "a@example.org", "xmailuser@xmailserver.test", null)]
    [InlineData("127.0.0.1", "", "a@example.org", "postmaster@xmailserver.test", null)]
    [InlineData("127.0.0.1", "", "a@example.org", "nobody@xmailserver.test", "550 Mailbox unavailable <nobody@xmailserver.test>")]
    [InlineData("127.0.0.1", "", "a@example.org", "x@example.com", "550 Relay denied")]
    [InlineData("127.0.0.1", "M", "a@example.org", "x@example.com", "550 Relay denied")]
    [InlineData("127.0.0.1", "MR", "a@example.org", "x@example.com", null)]
    [InlineData("192.168.1.5", "", "a@example.org", "x@example.com", null)]
    [InlineData("10.1.2.3", "", "a@example.org", "x@example.com", null)]
    [InlineData("11.1.2.3", "", "a@example.org", "x@example.com", "550 Relay denied")]
    [InlineData("11.1.2.3", "", "a@example.org", "@xmailserver.test:x@example.com", "550 Relay denied")]
    [InlineData("11.1.2.3", "", "a@example.org", "list@xmailserver.test", "557 Access denied <list@xmailserver.test> for user <a@example.org>")]
    [InlineData("11.1.2.3", "", "member@example.org", "list@xmailserver.test", null)]
    [InlineData("11.1.2.3", "", "a@example.org", "anything@custom.test", null)]
    public void Recipient_scenarios(string ip, string perms, string sender, string rcpt, string? expected)
    {
        _root.Write("mailusers.tab", _root.Read("mailusers.tab") + "\"xmailserver.test\"\t\"list\"\t\"1d08040c09\"\t2\t\"list\"\t\"M\"\n");
        _root.Write("domains/xmailserver.test/list/user.tab", "\"ClosedML\"\t\"1\"\n");
        _root.Write("domains/xmailserver.test/list/mlusers.tab", "\"member@example.org\"\t\"RW\"\n");
        _root.Write("custdomains/custom.test.tab", "\"external\"\t\"0\"\t\"0\"\t\"/bin/true\"\n");
        var policy = Policy(out _);
        var peer = new SmtpPeer(new IPEndPoint(IPAddress.Parse(ip), 40000), new IPEndPoint(IPAddress.Loopback, 25))
        {
            Perms = SmtpPermissionText.Parse(perms),
        };
        Assert.Equal(0, SmtpPath.TryParse("<" + rcpt + ">", out var path));
        var v = policy.Rcpt(peer, sender, path!, out var accepted);
        Assert.Equal(expected, v.Reply);
        if (expected is null) Assert.NotNull(accepted);
    }

    [Theory]
    [InlineData("\"127.0.0.1/32\"\n", null, true)] // default code: drop
    [InlineData("\"127.0.0.1/32\"\t\"code=0\"\n", null, false)]
    [InlineData("\"127.0.0.0\"\t\"255.0.0.0\"\t\"code=-3\"\n", null, false)]
    [InlineData("\"10.0.0.0/8\"\n", null, false)]             // not listed
    public async Task Spammers_codes(string spammers, string? unused, bool dropped)
    {
        _root.Write("spammers.tab", spammers);
        Assert.Null(unused);
        var policy = Policy(out _);
        var peer = new SmtpPeer(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 25));
        var v = await policy.ConnectAsync(peer);
        Assert.Equal(dropped, v.Drop);
        if (spammers.Contains("code=0")) Assert.True(peer.BlockedIp);
        if (spammers.Contains("code=-3")) Assert.Equal(3, peer.CommandDelaySeconds);
    }

    [Fact]
    public async Task Whitelisted_peer_skips_spammers_and_smtpconfig_mailauth_locks_mail()
    {
        _root.Write("spammers.tab", "\"127.0.0.1/32\"\n");
        _root.Write("smtp.ipprop.tab", "\"127.0.0.1/32\"\t\"WhiteList=1\"\n");
        _root.Write("server.tab", _root.Read("server.tab") + "\"SmtpConfig\"\t\"MailAuth\"\n");
        var policy = Policy(out _);
        var peer = new SmtpPeer(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 25));
        Assert.True((await policy.ConnectAsync(peer)).Passed);
        Assert.True(peer.Props.WhiteList);
        SmtpPath.TryParse("<a@example.org>", out var from);
        Assert.Equal("551 Server use forbidden", (await policy.MailAsync(peer, from!)).Reply);
        peer.AuthUser = "u@x";
        Assert.True((await policy.MailAsync(peer, from!)).Passed);
    }

    [Fact]
    public async Task Pop3_before_smtp_grants_relay_until_it_expires()
    {
        var policy = Policy(out var ctx);
        var peer = new SmtpPeer(new IPEndPoint(IPAddress.Parse("11.1.2.3"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        ctx.Pop3BeforeSmtp.Record(IPAddress.Parse("11.1.2.3"), DateTimeOffset.UtcNow);
        SmtpPath.TryParse("<a@example.org>", out var from);
        Assert.True((await policy.MailAsync(peer, from!)).Passed);
        SmtpPath.TryParse("<x@example.com>", out var to);
        Assert.True(policy.Rcpt(peer, "a@example.org", to!, out _).Passed);

        var late = new SmtpPeer(new IPEndPoint(IPAddress.Parse("11.1.2.4"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        ctx.Pop3BeforeSmtp.Record(IPAddress.Parse("11.1.2.4"), DateTimeOffset.UtcNow.AddHours(-1));
        Assert.True((await policy.MailAsync(late, from!)).Passed);
        Assert.Equal("550 Relay denied", policy.Rcpt(late, "a@example.org", to!, out _).Reply);
    }

    [Theory]
    [InlineData("<a@b.c>", 0, "a@b.c")]
    [InlineData(" <a@b.c> SIZE=10", 0, "a@b.c")]
    [InlineData("<>", 0, "")]
    [InlineData("a@b.c", -31, null)]
    [InlineData("<a@b.c", -31, null)]
    [InlineData("<ab.c>", -132, null)]
    [InlineData("<a@b.c.>", -132, null)]
    [InlineData("<\"a\"@b.c>", -132, null)]
    [InlineData("<a@b@c.d>", -260, null)]
    [InlineData("<@h1,@h2:a@b.c>", 0, "a@b.c")]
    public void Paths_parse_like_xmail(string text, int code, string? address)
    {
        Assert.Equal(code, SmtpPath.TryParse(text, out var p));
        Assert.Equal(address, p?.Address);
    }

    private sealed class Collect : IDataSink
    {
        public readonly MemoryStream Bytes = new();
        public void Write(ReadOnlySpan<byte> bytes) => Bytes.Write(bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Data_scanner_handles_any_segmentation(int chunk)
    {
        var body = "Subject: x\r\n\r\n..a\r\nb\r\n.\r\nNEXT"u8.ToArray();
        var sink = new Collect();
        var scanner = new SmtpDataScanner(1000, 0);
        var pending = new List<byte>();
        bool done = false;
        int fed = 0;
        while (!done && fed < body.Length)
        {
            int n = Math.Min(chunk, body.Length - fed);
            pending.AddRange(body.AsSpan(fed, n).ToArray());
            fed += n;
            var seq = new ReadOnlySequence<byte>(pending.ToArray());
            done = scanner.Scan(ref seq, sink);
            pending = seq.ToArray().ToList();
        }
        Assert.True(done);
        Assert.Equal("Subject: x\r\n\r\n.a\r\nb\r\n", Encoding.Latin1.GetString(sink.Bytes.ToArray()));
        Assert.Equal("NEXT", Encoding.Latin1.GetString(pending.ToArray().Concat(body.Skip(fed)).ToArray()));
        Assert.Equal(DataViolation.None, scanner.Violations);
    }

    [Fact]
    public void Data_scanner_ends_immediately_on_a_lone_dot()
    {
        var seq = new ReadOnlySequence<byte>(".\r\n"u8.ToArray());
        var scanner = new SmtpDataScanner(1000, 0);
        Assert.True(scanner.Scan(ref seq, new Collect()));
        Assert.Equal(0, seq.Length);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b>", SmtpCommand.Mail, "<a@b>")]
    [InlineData("mail from: <a@b>", SmtpCommand.Mail, " <a@b>")]
    [InlineData("RCPT TO:<a@b>", SmtpCommand.Rcpt, "<a@b>")]
    [InlineData("RCPT  TO:<a@b>", SmtpCommand.Unknown, "")]
    [InlineData("ehlo x.y", SmtpCommand.Ehlo, "x.y")]
    [InlineData("DATA", SmtpCommand.Data, "")]
    [InlineData("DATAX", SmtpCommand.Unknown, "")]
    [InlineData("starttls", SmtpCommand.StartTls, "")]
    [InlineData("AUTH PLAIN xx", SmtpCommand.Auth, "PLAIN xx")]
    public void Command_parser(string line, SmtpCommand expected, string argument)
    {
        var bytes = Encoding.Latin1.GetBytes(line);
        Assert.Equal(expected, SmtpCommandParser.Parse(bytes, out int at));
        if (expected != SmtpCommand.Unknown) Assert.Equal(argument, Encoding.Latin1.GetString(bytes, at, bytes.Length - at));
    }
}
