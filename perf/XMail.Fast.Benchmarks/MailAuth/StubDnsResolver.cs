using System.Net;
using XMail.Fast.Core.Dns;

namespace XMail.Fast.Benchmarks.MailAuth;

/// <summary>DNS answers from a dictionary: what the server's cache gives once warm, without the network.</summary>
internal sealed class StubDnsResolver : IDnsResolver
{
    private static readonly DnsAnswer<string> NoTxt = new(DnsStatus.NotFound, []);
    private readonly Dictionary<string, DnsAnswer<string>> _txt = new(StringComparer.OrdinalIgnoreCase);

    public void Txt(string name, string value) => _txt[name] = new DnsAnswer<string>(DnsStatus.Ok, [value]);

    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default) =>
        new(_txt.TryGetValue(name, out var a) ? a : NoTxt);

    public ValueTask<DnsAnswer<MxHost>> MxAsync(string domain, CancellationToken ct = default) => new(new DnsAnswer<MxHost>(DnsStatus.NotFound, []));
    public ValueTask<DnsAnswer<IPAddress>> HostAddressesAsync(string host, CancellationToken ct = default) => new(new DnsAnswer<IPAddress>(DnsStatus.NotFound, []));
    public ValueTask<DnsAnswer<IPAddress>> IPv4Async(string name, CancellationToken ct = default) => new(new DnsAnswer<IPAddress>(DnsStatus.NotFound, []));
    public ValueTask<DnsAnswer<IPAddress>> IPv6Async(string name, CancellationToken ct = default) => new(new DnsAnswer<IPAddress>(DnsStatus.NotFound, []));
    public ValueTask<DnsAnswer<string>> ReverseAsync(IPAddress address, CancellationToken ct = default) => new(new DnsAnswer<string>(DnsStatus.NotFound, []));
}
