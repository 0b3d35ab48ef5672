using System.Net;
using XMail.Fast.Core.Dns;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>"DNSROOTS file": the servers asked when there is neither SmartDNSHost nor a system name server.</summary>
public sealed class DnsRootsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-dnsroots-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch { }
    }

    private string Write(string name, string text)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void Parse_skips_comments_and_blank_lines_and_knows_the_root_servers()
    {
        var list = DnsRoots.Parse(
        [
            "; from nslookup -type=ns .", "", "   ", "a.root-servers.net.", "M.ROOT-SERVERS.NET  # Tokyo",
            "10.0.0.53", "127.0.0.1:5353", "a.root-servers.net", "not a valid entry:x:y",
        ]);
        Assert.Equal(
        [
            new DnsServer(new IPEndPoint(IPAddress.Parse("198.41.0.4"), 53), false),
            new DnsServer(new IPEndPoint(IPAddress.Parse("202.12.27.33"), 53), false),
            new DnsServer(new IPEndPoint(IPAddress.Parse("10.0.0.53"), 53), false),
            new DnsServer(new IPEndPoint(IPAddress.Loopback, 5353), false),
        ], list);
    }

    [Fact]
    public void The_template_dnsroots_file_gives_thirteen_roots()
    {
        var list = DnsRoots.Load(Path.Combine(Fixtures.XMail127MailRoot, "dnsroots"));
        Assert.Equal(13, list.Count);
        Assert.All(list, s => Assert.Equal(53, s.EndPoint.Port));
    }

    [Fact]
    public void Resolv_conf_name_servers()
    {
        var p = Write("resolv.conf", "# generated\nsearch example\nnameserver 10.1.2.3\n; nameserver 10.9.9.9\nnameserver fe80::1%eth0\noptions ndots:1\nnameserver bogus\n");
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.1.2.3"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], ResolvConf.NameServers(p));
        Assert.Empty(ResolvConf.NameServers(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public async Task Without_SmartDNSHost_and_system_servers_the_dnsroots_servers_answer()
    {
        using var dns = TestDnsServer.Start("a.test MX 10 mx1.a.test");
        var r = new DnsResolver(() => null)
        {
            Timeout = TimeSpan.FromMilliseconds(500),
            ResolvConfPath = Write("resolv.conf", "# no name server here\nsearch example\n"),
            DnsRootsPath = Write("dnsroots", $"# local root for the test\n\n127.0.0.1:9\n127.0.0.1:{dns.Port}\n"),
        };
        var a = await r.MxAsync("a.test");
        Assert.Equal(DnsStatus.Ok, a.Status);
        Assert.Equal("mx1.a.test", a.Values[0].Host);
    }

    [Fact]
    public async Task System_servers_win_over_dnsroots()
    {
        using var dns = TestDnsServer.Start("a.test MX 10 mx1.a.test");
        var r = new DnsResolver(() => "")
        {
            Timeout = TimeSpan.FromMilliseconds(300),
            ResolvConfPath = Write("resolv.conf", "nameserver 127.0.0.1\n"), // port 53 on loopback: nobody there
            DnsRootsPath = Write("dnsroots", $"127.0.0.1:{dns.Port}\n"),
        };
        Assert.NotEqual(DnsStatus.Ok, (await r.MxAsync("a.test")).Status);
        Assert.Equal(0, dns.Questions); // the server in dnsroots was not asked
    }

    [Fact]
    public async Task A_root_answering_with_a_referral_is_a_temporary_failure_never_not_found()
    {
        using var root = new ReferralOnlyDnsServer();
        var disk = new DnsDiskCache(Path.Combine(_dir, "dnscache"));
        var r = new DnsResolver(() => null)
        {
            Timeout = TimeSpan.FromMilliseconds(500),
            ResolvConfPath = Write("resolv.conf", ""),
            DnsRootsPath = Write("dnsroots", $"127.0.0.1:{root.Port}\n"),
            DiskCache = disk,
        };
        Assert.Equal(DnsStatus.TempFail, (await r.MxAsync("a.test")).Status);
        Assert.Equal(DnsStatus.TempFail, (await r.HostAddressesAsync("a.test")).Status);
        Assert.True(root.Questions >= 2);
        Assert.False(File.Exists(disk.PathFor(DnsDiskKind.Mx, "a.test")));
    }

    [Fact]
    public async Task No_server_anywhere_is_a_temporary_failure()
    {
        var r = new DnsResolver(() => null)
        {
            ResolvConfPath = Write("resolv.conf", ""),
            DnsRootsPath = Path.Combine(_dir, "no-dnsroots"),
        };
        Assert.Equal(DnsStatus.TempFail, (await r.MxAsync("a.test")).Status);
        Assert.Equal(DnsStatus.TempFail, (await r.HostAddressesAsync("a.test")).Status);
    }
}
