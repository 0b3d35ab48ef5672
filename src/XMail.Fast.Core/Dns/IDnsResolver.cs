using System.Net;

namespace XMail.Fast.Core.Dns;

/// <summary>How a DNS question ended: XMail treats a missing name as permanent and a failed server as temporary.</summary>
public enum DnsStatus
{
    /// <summary>The name has records of the asked type.</summary>
    Ok,
    /// <summary>NXDOMAIN, or the name exists without records of that type (NODATA): a permanent answer.</summary>
    NotFound,
    /// <summary>SERVFAIL, REFUSED, timeout or network error: ask again later.</summary>
    TempFail,
}

/// <summary>One DNS answer with its outcome; <see cref="Values"/> is empty unless <see cref="Status"/> is Ok.</summary>
public readonly record struct DnsAnswer<T>(DnsStatus Status, IReadOnlyList<T> Values)
{
    public bool IsOk => Status == DnsStatus.Ok;
}

/// <summary>An MX record: lower preference is tried first.</summary>
public readonly record struct MxHost(int Preference, string Host);

/// <summary>
/// The DNS questions the servers ask (SMTP: RDNS check, DNSBL, CheckMailerDomain; delivery: MX and host
/// addresses). Implemented in XMail.Fast.Delivery over DnsClient, honouring SmartDNSHost and -M4/-M5/-M6/-M7,
/// answers cached per TTL. Registered in DI as a singleton.
/// </summary>
public interface IDnsResolver
{
    /// <summary>MX hosts, lowest preference first, equal preferences in random order.</summary>
    ValueTask<DnsAnswer<MxHost>> MxAsync(string domain, CancellationToken ct = default);

    /// <summary>The addresses of a host name in the order -M4/-M5/-M6/-M7 asks for.</summary>
    ValueTask<DnsAnswer<IPAddress>> HostAddressesAsync(string host, CancellationToken ct = default);

    /// <summary>Plain A records (DNSBL lookups such as 2.0.0.127.zen.example, SPF a/mx/exists).</summary>
    ValueTask<DnsAnswer<IPAddress>> IPv4Async(string name, CancellationToken ct = default);

    /// <summary>Plain AAAA records (SPF a/mx for an IPv6 client).</summary>
    ValueTask<DnsAnswer<IPAddress>> IPv6Async(string name, CancellationToken ct = default);

    /// <summary>PTR names of an address (without the trailing dot).</summary>
    ValueTask<DnsAnswer<string>> ReverseAsync(IPAddress address, CancellationToken ct = default);

    /// <summary>TXT records of a name, one value per record with its strings concatenated (RFC 7208 3.3, RFC 6376 3.6.2.2).</summary>
    ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default);
}
