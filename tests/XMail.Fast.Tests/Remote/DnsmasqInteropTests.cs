using System.Net;
using XMail.Fast.Core.Dns;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>
/// The resolver against a real dnsmasq: it gets the same answers as from <see cref="TestDnsServer"/> given the same
/// zone, so the in-process server the other DNS tests use stands for a real name server.
/// </summary>
public sealed class DnsmasqInteropTests
{
    [SkippableFact, Trait("Category", ThirdPartyProgram.Interop)]
    public async Task Dnsmasq_and_the_in_process_server_give_the_resolver_the_same_answers()
    {
        using var dnsmasq = Dnsmasq.Start(
            "--mx-host=a.test,mx1.a.test,10", "--mx-host=a.test,mx2.a.test,20", "--host-record=mx1.a.test,127.0.0.11",
            "--host-record=v6.test,::5", "--cname=www.a.test,mx1.a.test", "--ptr-record=9.0.0.127.in-addr.arpa,mail.ptr.test",
            "--txt-record=t.test,v=spf1,ip4:192.0.2.0/24", "--server=/broken.test/127.0.0.1#9");
        using var ours = TestDnsServer.Start(
            "a.test MX 10 mx1.a.test", "a.test MX 20 mx2.a.test", "mx1.a.test A 127.0.0.11",
            "v6.test AAAA ::5", "www.a.test CNAME mx1.a.test", "127.0.0.9 PTR mail.ptr.test",
            "t.test TXT \"v=spf1\" \"ip4:192.0.2.0/24\"", "broken.test SERVFAIL");

        var expected = new[]
        {
            "MX a.test: Ok 10 mx1.a.test, 20 mx2.a.test",
            "A mx1.a.test: Ok 127.0.0.11",
            "A www.a.test: Ok 127.0.0.11",
            "AAAA v6.test: Ok ::5",
            "PTR 127.0.0.9: Ok mail.ptr.test",
            "TXT t.test: Ok v=spf1ip4:192.0.2.0/24",
            "MX mx1.a.test: NotFound ",
            "MX nosuch.test: NotFound ",
            "MX x.broken.test: TempFail ",
        };
        Assert.Equal(expected, await AnswersAsync(dnsmasq.SmartDnsHost()));
        Assert.Equal(expected, await AnswersAsync(ours.SmartDnsHost()));
    }

    private static async Task<string[]> AnswersAsync(string smartDnsHost)
    {
        var r = new DnsResolver(() => smartDnsHost, ipResolveMode: 6) { Timeout = TimeSpan.FromSeconds(1) };
        var mx = await r.MxAsync("a.test");
        return
        [
            $"MX a.test: {mx.Status} {string.Join(", ", mx.Values.Select(m => $"{m.Preference} {m.Host}"))}",
            Line("A mx1.a.test", await r.IPv4Async("mx1.a.test")),
            Line("A www.a.test", await r.IPv4Async("www.a.test")),
            Line("AAAA v6.test", await r.HostAddressesAsync("v6.test")),
            Line("PTR 127.0.0.9", await r.ReverseAsync(IPAddress.Parse("127.0.0.9"))),
            Line("TXT t.test", await r.TxtAsync("t.test")),
            Line("MX mx1.a.test", await r.MxAsync("mx1.a.test")),
            Line("MX nosuch.test", await r.MxAsync("nosuch.test")),
            Line("MX x.broken.test", await r.MxAsync("x.broken.test")),
        ];
    }

    private static string Line<T>(string question, DnsAnswer<T> a) => $"{question}: {a.Status} {string.Join(", ", a.Values)}";
}
