using System.Text;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Psync;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Pop3;

/// <summary>POP3LINKS.TAB and [PSYNC]: a local context pulls from a second in-process XMail.Fast's POP3 server.</summary>
public class PsyncTests
{
    private static (MailServerContext Ctx, TempMailRoot Root) LocalContext(string links, Action<TempMailRoot>? prepare = null)
    {
        var root = new TempMailRoot();
        root.Write("pop3links.tab", links);
        prepare?.Invoke(root);
        var mr = new MailRoot(root.Path);
        mr.EnsureLayout();
        var ctx = new MailServerContext(mr, new XMailOptions { MailRootPath = root.Path, SplitLevel = 1 });
        return (ctx, root);
    }

    private static string Link(string localDomain, string localUser, int port, string auth) =>
        $"\"{localDomain}\"\t\"{localUser}\"\t\"127.0.0.1:{port}\"\t\"xmailuser@xmailserver.test\"\t\"{XMCrypt.Encode("xmail")}\"\t\"{auth}\"\n";

    private static List<(SpoolHeader Header, string Body)> Drain(MailServerContext ctx)
    {
        var list = new List<(SpoolHeader, string)>();
        while (ctx.Queue.Reader.TryRead(out var r))
        {
            var path = ctx.Spool.PathOf(r, "mess");
            using var fs = File.OpenRead(path);
            var h = SpoolHeader.Read(fs)!;
            list.Add((h, new StreamReader(fs, Encoding.Latin1).ReadToEnd()));
        }
        return list;
    }

    [Theory]
    [InlineData("CLR", "POP3")]
    [InlineData("APOP", "POP3")]
    [InlineData("FAPOP,FSTLS", "POP3")]
    [InlineData("POP3S", "POP3S")]
    public async Task Fetches_spools_and_deletes_remote_messages(string auth, string service)
    {
        await using var remote = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        Put(remote, "1.a", "Subject: one\r\nTo: x@y.test\r\n\r\n.dot line\r\nbody\r\n");
        Put(remote, "2.b", "Subject: two\r\n\r\nsecond\r\n");
        var (ctx, root) = LocalContext(Link("xmailserver.test", "xmailuser", remote.Port(service), auth));
        using (root)
        {
            var results = await new PsyncRunner(ctx).RunAllAsync(CancellationToken.None);
            var (_, report) = Assert.Single(results);
            Assert.Null(report.Error);
            Assert.Equal(2, report.Fetched);
            var spooled = Drain(ctx);
            Assert.Equal(2, spooled.Count);
            Assert.All(spooled, m => Assert.Equal(["xmailuser@xmailserver.test"], m.Header.Recipients));
            Assert.Contains(spooled, m => m.Body == "Subject: one\r\nTo: x@y.test\r\n\r\n.dot line\r\nbody\r\n");
            Assert.True(await TestServer.WaitUntilAsync(() => NewFiles(remote).Length == 0));
        }
    }

    [Fact]
    public async Task Leave_keeps_messages_and_fetches_only_new_ones()
    {
        await using var remote = await TestServer.StartAsync();
        Put(remote, "1.a", "Subject: one\r\n\r\nx\r\n");
        var (ctx, root) = LocalContext(Link("@other.test", "joe", remote.Port("POP3"), "CLR,Leave"));
        using (root)
        {
            var runner = new PsyncRunner(ctx);
            Assert.Equal(1, (await runner.RunAllAsync(CancellationToken.None))[0].Report.Fetched);
            Assert.Equal(["joe@other.test"], Assert.Single(Drain(ctx)).Header.Recipients);
            Assert.True(await TestServer.WaitUntilAsync(() => NewFiles(remote).Length == 1));
            Put(remote, "2.b", "Subject: two\r\n\r\ny\r\n");
            Assert.Equal(1, (await runner.RunAllAsync(CancellationToken.None))[0].Report.Fetched);
            Assert.Contains("Subject: two", Assert.Single(Drain(ctx)).Body);
            var db = Path.Combine(root.Path, "msgsync", "127.0.0.1_" + remote.Port("POP3"), "xmailuser@xmailserver.test.uidb");
            Assert.Equal(["1.a", "2.b"], File.ReadAllLines(db).Order());
            Assert.Equal(0, (await runner.RunAllAsync(CancellationToken.None))[0].Report.Fetched);
        }
    }

    [Fact]
    public async Task Masquerade_and_suffix_links_rewrite_header_addresses_and_unknown_go_to_the_error_account()
    {
        await using var remote = await TestServer.StartAsync();
        Put(remote, "1.a", "To: Cat <graycat@felins.net>, dog@pets.org\r\nCc: other@elsewhere.test\r\nSubject: m\r\n\r\nx\r\n");
        var (ctx, root) = LocalContext(Link("?home.test,felins.net,pets.org", "u", remote.Port("POP3"), "CLR,Leave"));
        using (root)
        {
            await new PsyncRunner(ctx).RunAllAsync(CancellationToken.None);
            Assert.Equal(["graycat@home.test", "dog@home.test"], Assert.Single(Drain(ctx)).Header.Recipients);
        }
        var (ctx2, root2) = LocalContext(Link("&.local,felins.net", "u", remote.Port("POP3"), "CLR,Leave"));
        using (root2)
        {
            await new PsyncRunner(ctx2).RunAllAsync(CancellationToken.None);
            Assert.Equal(["graycat@felins.net.local"], Assert.Single(Drain(ctx2)).Header.Recipients);
        }
        var (ctx3, root3) = LocalContext(Link("?home.test,nomatch.test", "u", remote.Port("POP3"), "CLR,Leave"),
            r => r.Write("server.tab", r.Read("server.tab") + "\"Pop3SyncErrorAccount\"\t\"xmailuser@xmailserver.test\"\n"));
        using (root3)
        {
            await new PsyncRunner(ctx3).RunAllAsync(CancellationToken.None);
            Assert.Equal(["xmailuser@xmailserver.test"], Assert.Single(Drain(ctx3)).Header.Recipients);
        }
    }

    [Fact]
    public async Task Disabled_links_and_bad_passwords_fetch_nothing()
    {
        await using var remote = await TestServer.StartAsync();
        Put(remote, "1.a", "Subject: one\r\n\r\nx\r\n");
        var bad = $"\"xmailserver.test\"\t\"xmailuser\"\t\"127.0.0.1:{remote.Port("POP3")}\"\t\"xmailuser@xmailserver.test\"\t\"{XMCrypt.Encode("wrong")}\"\t\"CLR\"\n";
        var (ctx, root) = LocalContext(bad);
        using (root)
        {
            var r = (await new PsyncRunner(ctx).RunAllAsync(CancellationToken.None))[0].Report;
            Assert.NotNull(r.Error);
            Assert.Equal(0, r.Fetched);
        }
        var (ctx2, root2) = LocalContext(Link("xmailserver.test", "xmailuser", remote.Port("POP3"), "CLR"));
        using (root2)
        {
            var runner = new PsyncRunner(ctx2);
            var link = runner.Links()[0];
            File.WriteAllText(runner.DisabledFile(link), "disabled\n");
            Assert.StartsWith(Path.Combine(root2.Path, "domains", "xmailserver.test", "xmailuser"), runner.DisabledFile(link));
            Assert.Equal("disabled", (await runner.RunAllAsync(CancellationToken.None))[0].Report.Error);
            Assert.Single(NewFiles(remote));
        }
    }

    [Fact]
    public async Task Psync_trigger_file_starts_a_sync_in_the_running_server()
    {
        await using var remote = await TestServer.StartAsync();
        Put(remote, "1.a", "Subject: trig\r\n\r\nx\r\n");
        await using var local = await TestServer.StartAsync(prepare: r =>
            r.Write("pop3links.tab", Link("@elsewhere.test", "joe", remote.Port("POP3"), "CLR")));
        File.WriteAllText(Path.Combine(local.Root.Path, ".psync-trigger"), "");
        Assert.True(await TestServer.WaitUntilAsync(() => NewFiles(remote).Length == 0, TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(Path.Combine(local.Root.Path, ".psync-trigger")));
    }
}
