using System.Net;
using DnsClient;
using DnsClient.Protocol;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>The in-process DNS server the DNS tests use, asked by an independent client (DnsClient) over UDP and TCP.</summary>
public sealed class TestDnsServerTests : IDisposable
{
    private static readonly string LongKey = "v=DKIM1; k=rsa; p=" + new string('A', 392);

    private readonly TestDnsServer _dns = TestDnsServer.Start(
        "a.test 600 MX 10 mx.a.test", "mx.a.test A 192.0.2.1", "mx.a.test AAAA 2001:db8::1",
        "alias.a.test CNAME mx.a.test", "loop.a.test CNAME loop.a.test", "dangling.a.test CNAME gone.a.test",
        "a.test TXT \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"", "plain.a.test TXT just one string",
        "escaped.a.test TXT \"say \\\"hi\\\"\"", $"sel._domainkey.a.test TXT \"{LongKey}\"",
        "a.test NS ns1.a.test", "192.0.2.1 PTR mx.a.test", "2001:db8::1 PTR mx6.a.test",
        "broken.test SERVFAIL", "slow.test TIMEOUT");

    public void Dispose() => _dns.Dispose();

    private LookupClient Client(bool tcp = false) => new(new LookupClientOptions(new NameServer(_dns.EndPoint))
    {
        UseCache = false, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0, UseTcpOnly = tcp, ThrowDnsErrors = false,
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Records_of_every_kind_over_udp_and_tcp(bool tcp)
    {
        var c = Client(tcp);
        var mx = Assert.Single((await c.QueryAsync("A.TEST.", QueryType.MX)).Answers.MxRecords());
        Assert.Equal((10, "mx.a.test.", 600), (mx.Preference, mx.Exchange.Value.ToLowerInvariant(), mx.TimeToLive)); // names compare without case
        Assert.Equal(IPAddress.Parse("192.0.2.1"), (await c.QueryAsync("mx.a.test", QueryType.A)).Answers.ARecords().Single().Address);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), (await c.QueryAsync("mx.a.test", QueryType.AAAA)).Answers.AaaaRecords().Single().Address);
        Assert.Equal("ns1.a.test.", (await c.QueryAsync("a.test", QueryType.NS)).Answers.NsRecords().Single().NSDName.Value);
        Assert.Equal("mx.a.test.", (await c.QueryReverseAsync(IPAddress.Parse("192.0.2.1"))).Answers.PtrRecords().Single().PtrDomainName.Value);
        Assert.Equal("mx6.a.test.", (await c.QueryReverseAsync(IPAddress.Parse("2001:db8::1"))).Answers.PtrRecords().Single().PtrDomainName.Value);
        var ttl = (await c.QueryAsync("mx.a.test", QueryType.A)).Answers.Single().TimeToLive;
        Assert.Equal(TestDnsServer.DefaultTtl, ttl);
    }

    [Fact]
    public async Task Txt_strings_stay_separate_and_long_ones_are_split_at_255_bytes()
    {
        var c = Client();
        Assert.Equal(["v=spf1 ", "ip4:192.0.2.0/24 -all"], (await c.QueryAsync("a.test", QueryType.TXT)).Answers.TxtRecords().Single().Text);
        Assert.Equal(["just one string"], (await c.QueryAsync("plain.a.test", QueryType.TXT)).Answers.TxtRecords().Single().Text);
        Assert.Equal(["say \"hi\""], (await c.QueryAsync("escaped.a.test", QueryType.TXT)).Answers.TxtRecords().Single().Text);
        var key = (await Client(tcp: true).QueryAsync("sel._domainkey.a.test", QueryType.TXT)).Answers.TxtRecords().Single().Text.ToArray();
        Assert.Equal([255, LongKey.Length - 255], key.Select(s => s.Length));
        Assert.Equal(LongKey, string.Concat(key));
    }

    [Fact]
    public async Task Cname_is_followed_inside_the_zone()
    {
        var r = await Client().QueryAsync("alias.a.test", QueryType.A);
        Assert.Equal("mx.a.test.", r.Answers.CnameRecords().Single().CanonicalName.Value);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), r.Answers.ARecords().Single().Address);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await Client().QueryAsync("dangling.a.test", QueryType.A)).Header.ResponseCode);
        Assert.Equal(DnsHeaderResponseCode.NoError, (await Client().QueryAsync("loop.a.test", QueryType.A)).Header.ResponseCode);
    }

    [Fact]
    public async Task Nxdomain_and_nodata_carry_the_soa_for_negative_caching()
    {
        var nx = await Client().QueryAsync("nosuch.test", QueryType.MX);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, nx.Header.ResponseCode);
        Assert.Equal(TestDnsServer.NegativeTtl, (int)nx.Authorities.SoaRecords().Single().Minimum);
        var nodata = await Client().QueryAsync("mx.a.test", QueryType.MX);
        Assert.Equal(DnsHeaderResponseCode.NoError, nodata.Header.ResponseCode);
        Assert.Empty(nodata.Answers);
        Assert.Single(nodata.Authorities.SoaRecords());
        // A name with records only below it exists too (RFC 8020).
        Assert.Equal(DnsHeaderResponseCode.NoError, (await Client().QueryAsync("_domainkey.a.test", QueryType.TXT)).Header.ResponseCode);
    }

    [Fact]
    public async Task Servfail_timeout_added_lines_and_the_question_log()
    {
        Assert.Equal(DnsHeaderResponseCode.ServerFailure, (await Client().QueryAsync("x.broken.test", QueryType.A)).Header.ResponseCode);
        await Assert.ThrowsAsync<DnsResponseException>(() => Client().QueryAsync("slow.test", QueryType.A));
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await Client().QueryAsync("new.test", QueryType.A)).Header.ResponseCode);
        _dns.Add("new.test A 192.0.2.7");
        Assert.Equal(IPAddress.Parse("192.0.2.7"), (await Client().QueryAsync("new.test", QueryType.A)).Answers.ARecords().Single().Address);
        Assert.Equal(["x.broken.test A", "slow.test A", "new.test A", "new.test A"], _dns.Asked);
        Assert.Equal(4, _dns.Questions);
    }

    [Fact]
    public async Task Nothing_answers_after_dispose()
    {
        _dns.Dispose();
        await Assert.ThrowsAsync<DnsResponseException>(() => Client().QueryAsync("a.test", QueryType.MX));
        _dns.Dispose(); // twice is harmless
    }
}
