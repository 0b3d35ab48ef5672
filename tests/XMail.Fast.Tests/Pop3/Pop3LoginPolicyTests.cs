using System.Diagnostics;
using System.Net;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Pop3;

/// <summary>
/// POP3.IPMAP.TAB, USER.TAB PopEnable/Pop3ScanCur, POP3Domain, -Pw/-Ph, Pop3LogPasswd/-Pl, SMTP-after-POP3 and
/// the last-login record.
/// </summary>
public class Pop3LoginPolicyTests
{
    [Fact]
    public async Task Global_pop3_ipmap_denies_before_the_banner()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
            r.Write("pop3.ipmap.tab", "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n\"10.0.0.0\"\t\"255.0.0.0\"\t\"ALLOW\"\t2\n"));
        await using var c = await LineClient.ConnectAsync(s.Port("POP3"));
        Assert.Equal("-ERR Access from your IP is not allowed", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Per_user_pop3_ipmap_and_PopEnable_refuse_the_login()
    {
        await using var s = await TestServer.StartAsync();
        var ipmap = Path.Combine(UserDir(s), "pop3.ipmap.tab");
        File.WriteAllText(ipmap, "\"127.0.0.1\"\t\"255.255.255.255\"\t\"DENY\"\t1\n");
        await using (var c = await ConnectAsync(s))
        {
            await Ask(c, "USER xmailuser@xmailserver.test");
            Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
        }
        File.Delete(ipmap);
        File.AppendAllText(Path.Combine(UserDir(s), "user.tab"), "\"PopEnable\"\t\"0\"\n");
        await using (var c = await ConnectAsync(s))
        {
            await Ask(c, "USER xmailuser@xmailserver.test");
            Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
        }
    }

    [Fact]
    public async Task Pop3ScanCur_adds_the_cur_folder()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1.new", MessageOfSize(50));
        Put(s, "2.cur:2,S", MessageOfSize(60), sub: "cur");
        await using (var c = await LoginAsync(s))
            Assert.Equal("+OK 1 50", await Ask(c, "STAT"));
        File.AppendAllText(Path.Combine(UserDir(s), "user.tab"), "\"Pop3ScanCur\"\t\"1\"\n");
        await Task.Delay(0);
        await using (var c = await LoginAsync(s))
        {
            Assert.Equal("+OK 2 110", await Ask(c, "STAT"));
            Assert.Equal("+OK Message deleted", await Ask(c, "DELE 2"));
            Assert.StartsWith("+OK", await Ask(c, "QUIT"));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(UserDir(s), "Maildir", "cur")));
    }

    [Fact]
    public async Task Bare_user_names_take_POP3Domain()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("+OK Password required for xmailuser@xmailserver.test", await Ask(c, "USER xmailuser"));
        Assert.StartsWith("+OK Maildrop", await Ask(c, "PASS xmail"));
    }

    [Fact]
    public async Task Bare_user_names_without_POP3Domain_walk_up_the_local_host_name()
    {
        Assert.Equal("b.test", XMail.Fast.Protocols.Pop3.Pop3DomainResolver.WalkUp("a.b.test", d => d == "b.test"));
        Assert.Equal("a.b.test", XMail.Fast.Protocols.Pop3.Pop3DomainResolver.WalkUp("a.b.test.", d => d == "a.b.test"));
        Assert.Equal("test", XMail.Fast.Protocols.Pop3.Pop3DomainResolver.WalkUp("a.b.test", d => d == "test"));
        Assert.Null(XMail.Fast.Protocols.Pop3.Pop3DomainResolver.WalkUp("a.b.test", _ => false));
        // With no POP3Domain, "localhost" (127.0.0.1's name) is no handled domain: the bare login fails, the full one works.
        await using var s = await TestServer.StartAsync(prepare: r =>
            r.Write("server.tab", r.Read("server.tab").Replace("\"POP3Domain\"\t\"xmailserver.test\"\n", "")));
        await using var c = await ConnectAsync(s);
        await Ask(c, "USER xmailuser");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.StartsWith("+OK Maildrop", await Ask(c, "PASS xmail"));
    }

    [Fact]
    public async Task Bad_login_delay_doubles()
    {
        await using var s = await TestServer.StartAsync(o => o.Pop3BadLoginWaitSeconds = 1);
        await using var c = await ConnectAsync(s);
        var sw = Stopwatch.StartNew();
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS bad"));
        var first = sw.Elapsed;
        sw.Restart();
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS bad"));
        var second = sw.Elapsed;
        Assert.InRange(first.TotalSeconds, 0.95, 1.9);
        Assert.InRange(second.TotalSeconds, 1.95, 3.5);
    }

    [Fact]
    public async Task Hang_on_bad_login_closes_the_connection()
    {
        await using var s = await TestServer.StartAsync(o => o.Pop3HangOnBadLogin = true);
        await using var c = await ConnectAsync(s);
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS bad"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Theory]
    [InlineData("0", false, false)]
    [InlineData("1", true, false)]
    [InlineData("2", true, true)]
    public async Task Pop3LogPasswd_controls_passwords_in_the_pop3_log(string mode, bool failedShown, bool goodShown)
    {
        await using var s = await TestServer.StartAsync(o => o.Pop3.Log = true, r =>
            r.Write("server.tab", r.Read("server.tab").Replace("\"Pop3LogPasswd\"\t\"0\"", $"\"Pop3LogPasswd\"\t\"{mode}\"")));
        await using (var c = await ConnectAsync(s))
        {
            await Ask(c, "USER xmailuser@xmailserver.test");
            await Ask(c, "PASS wrongpw");
            await Ask(c, "USER xmailuser@xmailserver.test");
            await Ask(c, "PASS xmail");
        }
        var logs = Directory.GetFiles(Path.Combine(s.Root.Path, "logs"), "pop3-*");
        var log = File.ReadAllLines(Assert.Single(logs));
        var failed = Assert.Single(log, l => l.Contains("\"ELOGIN\""));
        var good = Assert.Single(log, l => l.Contains("\"LOGIN\""));
        Assert.Equal(failedShown, failed.Contains("\"wrongpw\""));
        Assert.Equal(goodShown, good.Contains("\"xmail\""));
        Assert.Contains("\"127.0.0.1\"", good);
        Assert.EndsWith("\"LOGIN\"\t\"0\"\t\"0\"", good);
    }

    [Fact]
    public async Task Login_records_last_login_and_smtp_after_pop3()
    {
        await using var s = await TestServer.StartAsync();
        Assert.False(s.Context.Pop3BeforeSmtp.IsAuthorized(IPAddress.Loopback, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(900)));
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var c = await LoginAsync(s);
        Assert.True(s.Context.Pop3BeforeSmtp.IsAuthorized(IPAddress.Loopback, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(900)));
        Assert.False(s.Context.Pop3BeforeSmtp.IsAuthorized(IPAddress.Loopback, DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromSeconds(900)));
        var last = LastLogin.Read(UserDir(s));
        Assert.NotNull(last);
        Assert.Equal(IPAddress.Loopback, last.Value.Address);
        Assert.True(last.Value.Time >= before);
        Assert.Equal("127.0.0.1\n", File.ReadAllText(Path.Combine(UserDir(s), ".ipconn")));
    }
}
