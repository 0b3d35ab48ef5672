using System.Net;
using XMail.Fast.Core.Dns;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>"SmartDNSHost", "-M4/-M5/-M6/-M7": DNS answers from a real DNS server on loopback.</summary>
public sealed class DnsResolverTests : IDisposable
{
    private readonly TestDnsServer _dns = TestDnsServer.Start(
        "a.test MX 10 mx1.a.test", "a.test MX 20 mx2.a.test", "a.test MX 20 mx3.a.test",
        "mx1.a.test A 127.0.0.11", "mx2.a.test A 127.0.0.12", "mx3.a.test A 127.0.0.13",
        "v4.test A 127.0.0.5", "v6.test AAAA ::5", "both.test A 127.0.0.6", "both.test AAAA ::6",
        "127.0.0.9 PTR mail.ptr.test", "2.0.0.127.bl.test TXT listed-here", "2.0.0.127.bl.test A 127.0.0.2",
        "broken.test SERVFAIL", "slow.test TIMEOUT");

    public void Dispose() => _dns.Dispose();

    private DnsResolver Resolver(int mode = 4, string proto = "udp") =>
        new(() => _dns.SmartDnsHost(proto), mode) { Timeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task Mx_lowest_preference_first_and_equal_preferences_shuffled()
    {
        var r = Resolver();
        var seenOrders = new HashSet<string>();
        for (int i = 0; i < 40; i++)
        {
            var a = await r.MxAsync("A.test.");
            Assert.Equal(DnsStatus.Ok, a.Status);
            Assert.Equal(3, a.Values.Count);
            Assert.Equal(new MxHost(10, "mx1.a.test"), a.Values[0]);
            Assert.All(a.Values.Skip(1), m => Assert.Equal(20, m.Preference));
            seenOrders.Add(string.Join(",", a.Values.Select(m => m.Host)));
        }
        Assert.Equal(2, seenOrders.Count);
    }

    [Fact]
    public async Task Mx_over_tcp_works_like_udp()
    {
        var a = await Resolver(proto: "tcp").MxAsync("a.test");
        Assert.Equal(DnsStatus.Ok, a.Status);
        Assert.Equal("mx1.a.test", a.Values[0].Host);
    }

    [Fact]
    public async Task Nxdomain_is_permanent_and_nodata_is_not_found()
    {
        var r = Resolver();
        Assert.Equal(DnsStatus.NotFound, (await r.MxAsync("nosuch.test")).Status);
        Assert.Equal(DnsStatus.NotFound, (await r.MxAsync("v4.test")).Status); // name exists, no MX
        Assert.Equal(DnsStatus.NotFound, (await r.HostAddressesAsync("nosuch.test")).Status);
    }

    [Fact]
    public async Task Servfail_or_unreachable_server_is_temporary()
    {
        Assert.Equal(DnsStatus.TempFail, (await Resolver().MxAsync("x.broken.test")).Status);
        var dead = new DnsResolver(() => "127.0.0.1:9:udp") { Timeout = TimeSpan.FromMilliseconds(300) };
        Assert.Equal(DnsStatus.TempFail, (await dead.MxAsync("a.test")).Status);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_temporary()
    {
        var r = new DnsResolver(() => _dns.SmartDnsHost()) { Timeout = TimeSpan.FromMilliseconds(300) };
        Assert.Equal(DnsStatus.TempFail, (await r.MxAsync("x.slow.test")).Status);
        Assert.Contains("x.slow.test MX", _dns.Asked);
    }

    [Fact]
    public async Task Next_smart_host_is_asked_when_the_first_fails()
    {
        var r = new DnsResolver(() => "127.0.0.1:9:udp," + _dns.SmartDnsHost()) { Timeout = TimeSpan.FromMilliseconds(300) };
        Assert.Equal(DnsStatus.Ok, (await r.MxAsync("a.test")).Status);
    }

    [Theory]
    [InlineData(4, "both.test", "127.0.0.6")]
    [InlineData(6, "both.test", "::6")]
    [InlineData(5, "both.test", "127.0.0.6")]
    [InlineData(7, "both.test", "::6")]
    [InlineData(5, "v6.test", "::5")]
    [InlineData(7, "v4.test", "127.0.0.5")]
    public async Task Host_addresses_follow_the_M_switch(int mode, string host, string expected)
    {
        var a = await Resolver(mode).HostAddressesAsync(host);
        Assert.Equal(DnsStatus.Ok, a.Status);
        Assert.Equal(IPAddress.Parse(expected), a.Values[0]);
    }

    [Fact]
    public async Task M4_does_not_use_ipv6_only_hosts()
    {
        Assert.Equal(DnsStatus.NotFound, (await Resolver(4).HostAddressesAsync("v6.test")).Status);
        Assert.Equal(DnsStatus.NotFound, (await Resolver(6).HostAddressesAsync("v4.test")).Status);
    }

    [Fact]
    public async Task Ptr_txt_and_dnsbl_a_records()
    {
        var r = Resolver();
        Assert.Equal(["mail.ptr.test"], (await r.ReverseAsync(IPAddress.Parse("127.0.0.9"))).Values);
        Assert.Equal(["listed-here"], (await r.TxtAsync("2.0.0.127.bl.test")).Values);
        Assert.Equal([IPAddress.Parse("127.0.0.2")], (await r.IPv4Async("2.0.0.127.bl.test")).Values);
        Assert.Equal(DnsStatus.NotFound, (await r.IPv4Async("3.0.0.127.bl.test")).Status);
    }

    [Fact]
    public async Task Answers_are_cached_until_the_server_is_gone()
    {
        var r = Resolver();
        Assert.Equal(DnsStatus.Ok, (await r.MxAsync("a.test")).Status);
        Assert.Equal(DnsStatus.NotFound, (await r.MxAsync("nosuch.test")).Status);
        _dns.Dispose();
        Assert.Equal(DnsStatus.Ok, (await r.MxAsync("a.test")).Status);
        Assert.Equal(DnsStatus.NotFound, (await r.MxAsync("nosuch.test")).Status);
        Assert.Equal(DnsStatus.TempFail, (await r.MxAsync("other.test")).Status);
    }

    [Theory]
    [InlineData("dns.example:tcp", null, 53, true)]
    [InlineData("127.0.0.1:udp", "127.0.0.1", 53, false)]
    [InlineData("127.0.0.1:5353:tcp", "127.0.0.1", 5353, true)]
    [InlineData("[::1]:5353:udp", "::1", 5353, false)]
    [InlineData("10.0.0.1", "10.0.0.1", 53, false)]
    public void SmartDnsHost_entries(string value, string? ip, int port, bool tcp)
    {
        var list = SmartDnsHosts.Parse(value);
        if (ip is null)
        {
            Assert.Empty(list); // an unresolvable name is reported and skipped
            return;
        }
        Assert.Equal(new DnsServer(new IPEndPoint(IPAddress.Parse(ip), port), tcp), Assert.Single(list));
    }
}
