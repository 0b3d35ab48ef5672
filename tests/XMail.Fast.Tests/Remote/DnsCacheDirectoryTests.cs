using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>"MailRoot structure: dnscache &lt;dir&gt;" (mx, ns) and "-MD ndirs": the on-disk DNS cache, against a real DNS server on loopback.</summary>
public sealed class DnsCacheDirectoryTests : IDisposable
{
    private readonly TestDnsServer _dns = TestDnsServer.Start(
        "a.test 600 MX 10 mx1.a.test", "a.test 600 MX 20 mx2.a.test",
        "mx1.a.test 600 A 127.0.0.11", "b.test 600 A 127.0.0.12");

    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-dnscache-").FullName;

    public void Dispose()
    {
        _dns.Dispose();
        try { Directory.Delete(_dir, true); } catch { }
    }

    private DnsDiskCache Disk(int dirs = 101) => new(Path.Combine(_dir, "dnscache"), dirs);

    private DnsResolver Resolver(string? smartHost = null) =>
        new(() => smartHost ?? _dns.SmartDnsHost()) { Timeout = TimeSpan.FromMilliseconds(500), DiskCache = Disk() };

    private static string Expires(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToUnixTimeSeconds().ToString();

    [Fact]
    public async Task Mx_answer_is_written_and_a_restarted_resolver_answers_from_disk_without_dns()
    {
        var first = Resolver();
        Assert.Equal(DnsStatus.Ok, (await first.MxAsync("a.test")).Status);
        Assert.Equal(DnsStatus.NotFound, (await first.MxAsync("b.test")).Status); // exists, no MX

        var file = Disk().PathFor(DnsDiskKind.Mx, "a.test")!;
        Assert.StartsWith(Path.Combine(_dir, "dnscache", "mx") + Path.DirectorySeparatorChar, file);
        var lines = File.ReadAllLines(file);
        Assert.Equal("xmail-fast-dnscache 1", lines[0]);
        Assert.Equal("name a.test", lines[1]);
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(lines[2]["expires ".Length..]));
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddSeconds(500), DateTimeOffset.UtcNow.AddSeconds(700));
        Assert.Equal(["status ok", "mx 10 mx1.a.test", "mx 20 mx2.a.test"], lines[3..]);
        Assert.Contains("status notfound", File.ReadAllLines(Disk().PathFor(DnsDiskKind.Mx, "b.test")!));

        _dns.Dispose();
        var restarted = Resolver();
        var a = await restarted.MxAsync("A.test.");
        Assert.Equal(DnsStatus.Ok, a.Status);
        Assert.Equal([new MxHost(10, "mx1.a.test"), new MxHost(20, "mx2.a.test")], a.Values);
        Assert.Equal(DnsStatus.NotFound, (await restarted.MxAsync("b.test")).Status);
        // Nothing else is answered: the server really is gone.
        Assert.Equal(DnsStatus.TempFail, (await restarted.MxAsync("c.test")).Status);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, ".*")); // no temp file left behind
    }

    [Fact]
    public async Task Expired_entry_is_asked_again_and_rewritten()
    {
        var file = Disk().PathFor(DnsDiskKind.Mx, "a.test")!;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"xmail-fast-dnscache 1\nname a.test\nexpires {Expires(TimeSpan.FromSeconds(-5))}\nstatus ok\nmx 5 stale.a.test\n");

        var a = await Resolver().MxAsync("a.test");
        Assert.Equal("mx1.a.test", a.Values[0].Host);
        var text = File.ReadAllText(file);
        Assert.Contains("mx 10 mx1.a.test", text);
        Assert.DoesNotContain("stale", text);
    }

    [Fact]
    public async Task Valid_entry_on_disk_is_used_without_asking()
    {
        var file = Disk().PathFor(DnsDiskKind.Mx, "a.test")!;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"xmail-fast-dnscache 1\nname a.test\nexpires {Expires(TimeSpan.FromMinutes(5))}\nstatus ok\nmx 5 fromdisk.a.test\n");
        Assert.Equal([new MxHost(5, "fromdisk.a.test")], (await Resolver().MxAsync("a.test")).Values);
    }

    [Theory]
    [InlineData("garbage\x01\x02 not a cache file")]
    [InlineData("")]
    [InlineData("xmail-fast-dnscache 1\nname other.test\nexpires {E}\nstatus ok\nmx 5 fromdisk.a.test\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires {FAR}\nstatus ok\nmx 5 fromdisk.a.test\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires {E}\nstatus ok\nmx 5 ../../etc/passwd\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires {E}\nstatus ok\nmx 99999 fromdisk.a.test\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires {E}\nstatus ok\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires soon\nstatus ok\nmx 5 fromdisk.a.test\n")]
    [InlineData("xmail-fast-dnscache 1\nname a.test\nexpires {E}\nstatus maybe\nmx 5 fromdisk.a.test\n")]
    public async Task Corrupt_file_is_ignored_and_replaced(string content)
    {
        var file = Disk().PathFor(DnsDiskKind.Mx, "a.test")!;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content.Replace("{E}", Expires(TimeSpan.FromMinutes(5))).Replace("{FAR}", Expires(TimeSpan.FromDays(30))));

        // Not trusted: with no server to ask, the answer is a temporary failure, not the file's content.
        var dead = new DnsResolver(() => "127.0.0.1:9:udp") { Timeout = TimeSpan.FromMilliseconds(300), DiskCache = Disk() };
        Assert.Equal(DnsStatus.TempFail, (await dead.MxAsync("a.test")).Status);

        var a = await Resolver().MxAsync("a.test");
        Assert.Equal("mx1.a.test", a.Values[0].Host);
        Assert.Contains("mx 10 mx1.a.test", File.ReadAllText(file));
    }

    [Fact]
    public async Task Unreadable_cache_path_is_ignored()
    {
        var file = Disk().PathFor(DnsDiskKind.Mx, "a.test")!;
        Directory.CreateDirectory(file); // a folder where the file should be: cannot be read nor replaced
        var a = await Resolver().MxAsync("a.test");
        Assert.Equal("mx1.a.test", a.Values[0].Host);
    }

    [Fact]
    public async Task Temporary_failures_are_not_written()
    {
        Assert.Equal(DnsStatus.TempFail, (await Resolver("127.0.0.1:9:udp").MxAsync("a.test")).Status);
        Assert.False(File.Exists(Disk().PathFor(DnsDiskKind.Mx, "a.test")));
    }

    [Theory]
    [InlineData("a.test", true)]
    [InlineData("mx-1.sub_x.example", true)]
    [InlineData("A.test", false)]
    [InlineData("../etc", false)]
    [InlineData("a/b.test", false)]
    [InlineData("a\\b.test", false)]
    [InlineData("a..test", false)]
    [InlineData(".test", false)]
    [InlineData("-a.test", false)]
    [InlineData("a b.test", false)]
    [InlineData("", false)]
    public void Only_valid_dns_names_get_a_file(string name, bool valid)
    {
        Assert.Equal(valid, DnsDiskCache.IsValidName(name));
        Assert.Equal(valid, Disk().PathFor(DnsDiskKind.Mx, name) is not null);
    }

    [Fact]
    public void Ns_answers_round_trip_in_the_ns_folder()
    {
        var disk = Disk();
        disk.WriteNs("a.test", new DnsAnswer<string>(DnsStatus.Ok, ["ns1.a.test", "ns2.a.test"]), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Contains(Path.Combine("dnscache", "ns"), disk.PathFor(DnsDiskKind.Ns, "a.test"));
        Assert.True(Disk().TryReadNs("a.test", out var ns, out _));
        Assert.Equal(["ns1.a.test", "ns2.a.test"], ns.Values);
        Assert.False(Disk().TryReadMx("a.test", out _, out _));
    }

    [Fact]
    public async Task Server_context_uses_MailRoot_dnscache_and_MD_subdirectories()
    {
        using var root = new TempMailRoot();
        File.AppendAllText(root.File("server.tab"), $"\"SmartDNSHost\"\t\"{_dns.SmartDnsHost()}\"\n");
        var options = XMailCommandLine.Parse(["-MD", "7"]);
        var ctx = new MailServerContext(new MailRoot(root.Path), options);
        var r = new DnsResolver(ctx) { Timeout = TimeSpan.FromMilliseconds(500) };
        Assert.Equal(DnsStatus.Ok, (await r.MxAsync("a.test")).Status);

        var files = Directory.GetFiles(root.File("dnscache/mx"), "*", SearchOption.AllDirectories);
        var file = Assert.Single(files);
        Assert.Equal("a.test", Path.GetFileName(file));
        Assert.InRange(int.Parse(Path.GetFileName(Path.GetDirectoryName(file))!), 0, 6);
    }
}
