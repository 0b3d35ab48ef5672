using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;

namespace XMail.Fast.Delivery.Dns;

/// <summary>
/// DNS over DnsClient: the SmartDNSHost servers in order (each over its own protocol), else the name servers of
/// the system resolver (/etc/resolv.conf), else the servers of MailRoot/dnsroots (see <see cref="DnsRoots"/>).
/// NXDOMAIN/NODATA are permanent, SERVFAIL/REFUSED/timeouts and referrals temporary (the next server is asked).
/// Answers are cached per TTL, negative answers per the SOA minimum: first in memory, then (MX and NS) in
/// MailRoot/dnscache (<see cref="DnsDiskCache"/>) so a restart does not ask again what is still valid.
/// XMail 1.27 resolves iteratively from the roots; XMail.Fast does not: dnsroots servers are asked with the
/// recursion bit like SmartDNSHost ones, so they must be recursive resolvers (a referral counts as a
/// temporary failure, never as "not found").
/// </summary>
public sealed class DnsResolver : IDnsResolver
{
    private static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);
    private static readonly TimeSpan DefaultNegativeTtl = TimeSpan.FromSeconds(60);

    private readonly Func<string?> _smartDnsHost;
    private readonly int _ipMode;
    private readonly ILogger _log;
    private readonly DnsCache _cache;
    private readonly TimeProvider _time;
    private ClientSet? _clients;

    private sealed record ClientSet(string? Key, LookupClient[] Clients);

    public DnsResolver(Func<string?> smartDnsHost, int ipResolveMode = 4, TimeProvider? time = null, ILogger? log = null)
    {
        _smartDnsHost = smartDnsHost;
        _ipMode = ipResolveMode;
        _log = log ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _cache = new DnsCache(_time);
    }

    public DnsResolver(MailServerContext context)
        : this(() => context.Config.SmartDNSHost, context.Options.IpResolveMode, context.Time, context.Loggers.CreateLogger("XMail.DNS"))
    {
        DiskCache = new DnsDiskCache(context.Root.DnsCacheDir, context.Options.DnsCacheDirs, context.Time, _log);
        DnsRootsPath = context.Root.File("dnsroots");
    }

    /// <summary>The on-disk second level for MX and NS answers (null: memory only).</summary>
    public DnsDiskCache? DiskCache { get; init; }

    /// <summary>MailRoot/dnsroots, used when SmartDNSHost is empty and the system resolver lists no server.</summary>
    public string? DnsRootsPath { get; init; }

    /// <summary>Where the system resolver's name servers are read from.</summary>
    public string ResolvConfPath { get; init; } = ResolvConf.DefaultPath;

    /// <summary>Per-server timeout for one question (DnsClient retries once more before giving up).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    internal int CachedAnswers => _cache.Count;

    public async ValueTask<DnsAnswer<MxHost>> MxAsync(string domain, CancellationToken ct = default)
    {
        domain = Normalize(domain);
        var answer = await CachedAsync(domain, QueryType.MX, static r => r.Answers.MxRecords()
            .Select(m => new MxHost(m.Preference, Normalize(m.Exchange.Value)))
            .Where(m => m.Host.Length > 0)
            .OrderBy(m => m.Preference)
            .ToArray(), ct, DnsDiskKind.Mx).ConfigureAwait(false);
        return answer.IsOk ? answer with { Values = ShuffleEqualPreferences(answer.Values) } : answer;
    }

    public async ValueTask<DnsAnswer<IPAddress>> HostAddressesAsync(string host, CancellationToken ct = default)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return new DnsAnswer<IPAddress>(DnsStatus.Ok, [literal]);
        host = Normalize(host);
        switch (_ipMode)
        {
            case 6: return await AaaaAsync(host, ct).ConfigureAwait(false);
            case 5: return await FirstOkAsync(IPv4Async(host, ct), () => AaaaAsync(host, ct)).ConfigureAwait(false);
            case 7: return await FirstOkAsync(AaaaAsync(host, ct), () => IPv4Async(host, ct)).ConfigureAwait(false);
            default: return await IPv4Async(host, ct).ConfigureAwait(false);
        }
    }

    public ValueTask<DnsAnswer<IPAddress>> IPv4Async(string name, CancellationToken ct = default) =>
        CachedAsync(Normalize(name), QueryType.A, static r => r.Answers.ARecords().Select(a => a.Address).ToArray(), ct);

    public ValueTask<DnsAnswer<IPAddress>> IPv6Async(string name, CancellationToken ct = default) => AaaaAsync(Normalize(name), ct);

    private ValueTask<DnsAnswer<IPAddress>> AaaaAsync(string name, CancellationToken ct) =>
        CachedAsync(name, QueryType.AAAA, static r => r.Answers.AaaaRecords().Select(a => a.Address).ToArray(), ct);

    public ValueTask<DnsAnswer<string>> ReverseAsync(IPAddress address, CancellationToken ct = default) =>
        CachedAsync(address.GetArpaName(), QueryType.PTR, static r => r.Answers.PtrRecords().Select(p => Normalize(p.PtrDomainName.Value)).ToArray(), ct);

    public ValueTask<DnsAnswer<string>> TxtAsync(string name, CancellationToken ct = default) =>
        CachedAsync(Normalize(name), QueryType.TXT, static r => r.Answers.TxtRecords().Select(t => string.Concat(t.Text)).ToArray(), ct);

    private static async ValueTask<DnsAnswer<IPAddress>> FirstOkAsync(ValueTask<DnsAnswer<IPAddress>> first, Func<ValueTask<DnsAnswer<IPAddress>>> second)
    {
        var a = await first.ConfigureAwait(false);
        if (a.IsOk) return a;
        var b = await second().ConfigureAwait(false);
        // A temporary failure of either family is worth a retry rather than a bounce.
        return b.IsOk || a.Status != DnsStatus.TempFail ? b : a;
    }

    private async ValueTask<DnsAnswer<T>> CachedAsync<T>(string name, QueryType type, Func<IDnsQueryResponse, T[]> select, CancellationToken ct,
        DnsDiskKind? diskKind = null)
    {
        if (_cache.TryGet(type, name, out var hit)) return (DnsAnswer<T>)hit!;
        var disk = diskKind is null ? null : DiskCache;
        if (disk is not null && TryReadDisk(disk, diskKind!.Value, name, out DnsAnswer<T> stored, out var expires))
        {
            _cache.Set(type, name, stored, expires - _time.GetUtcNow());
            return stored;
        }
        var (status, response) = await QueryAsync(name, type, ct).ConfigureAwait(false);
        DnsAnswer<T> answer;
        TimeSpan ttl;
        if (status == DnsStatus.Ok)
        {
            var values = select(response!);
            if (values.Length == 0)
            {
                answer = new DnsAnswer<T>(DnsStatus.NotFound, []);
                ttl = NegativeTtl(response!);
            }
            else
            {
                answer = new DnsAnswer<T>(DnsStatus.Ok, values);
                ttl = PositiveTtl(response!);
            }
        }
        else
        {
            answer = new DnsAnswer<T>(status, []);
            ttl = status == DnsStatus.NotFound ? NegativeTtl(response) : TimeSpan.Zero;
        }
        _cache.Set(type, name, answer, ttl);
        if (disk is not null && ttl > TimeSpan.Zero) WriteDisk(disk, diskKind!.Value, name, answer, _time.GetUtcNow() + ttl);
        return answer;
    }

    private static bool TryReadDisk<T>(DnsDiskCache disk, DnsDiskKind kind, string name, out DnsAnswer<T> answer, out DateTimeOffset expires)
    {
        bool found;
        object boxed;
        if (kind == DnsDiskKind.Mx)
        {
            found = disk.TryReadMx(name, out var mx, out expires);
            boxed = mx;
        }
        else
        {
            found = disk.TryReadNs(name, out var ns, out expires);
            boxed = ns;
        }
        answer = found ? (DnsAnswer<T>)boxed : default;
        return found;
    }

    private static void WriteDisk<T>(DnsDiskCache disk, DnsDiskKind kind, string name, DnsAnswer<T> answer, DateTimeOffset expires)
    {
        if (kind == DnsDiskKind.Mx) disk.WriteMx(name, (DnsAnswer<MxHost>)(object)answer, expires);
        else disk.WriteNs(name, (DnsAnswer<string>)(object)answer, expires);
    }

    private async ValueTask<(DnsStatus, IDnsQueryResponse?)> QueryAsync(string name, QueryType type, CancellationToken ct)
    {
        foreach (var client in Clients())
        {
            try
            {
                var r = await client.QueryAsync(name, type, QueryClass.IN, ct).ConfigureAwait(false);
                if (r.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) return (DnsStatus.NotFound, r);
                if (!r.HasError && IsReferral(r))
                {
                    // A root or authoritative-only server (dnsroots) answering with a delegation: no answer yet.
                    _log.LogDebug("DNS {Type} {Name}: referral from {Server}, which does not resolve recursively", type, name, r.NameServer);
                    continue;
                }
                if (!r.HasError) return (DnsStatus.Ok, r);
                _log.LogDebug("DNS {Type} {Name}: {Error} from {Server}", type, name, r.ErrorMessage, r.NameServer);
            }
            catch (DnsResponseException ex)
            {
                _log.LogDebug("DNS {Type} {Name}: {Error}", type, name, ex.Message);
            }
            catch (SocketException ex)
            {
                _log.LogDebug("DNS {Type} {Name}: {Error}", type, name, ex.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                _log.LogDebug("DNS {Type} {Name}: timed out", type, name);
            }
            catch (ArgumentException ex)
            {
                // A name no query can carry (a label over 63 bytes, an empty label): no such name anywhere.
                _log.LogDebug("DNS {Type} {Name}: {Error}", type, name, ex.Message);
                return (DnsStatus.NotFound, null);
            }
        }
        return (DnsStatus.TempFail, null);
    }

    private LookupClient[] Clients()
    {
        var key = _smartDnsHost();
        var current = Volatile.Read(ref _clients);
        if (current is not null && current.Key == key) return current.Clients;
        var servers = SmartDnsHosts.Parse(key, bad => _log.LogWarning("server.tab SmartDNSHost: cannot use \"{Entry}\"", bad));
        LookupClient[] clients;
        if (servers.Count > 0)
            clients = servers.Select(s => new LookupClient(Options(new LookupClientOptions(new NameServer(s.EndPoint)) { UseTcpOnly = s.Tcp }))).ToArray();
        else if (SystemNameServers() is { Length: > 0 } system)
            clients = [new LookupClient(Options(new LookupClientOptions(system)))];
        else
        {
            var roots = DnsRootsPath is null ? [] : DnsRoots.Load(DnsRootsPath, bad => _log.LogWarning("{File} {Entry}: not a name server", DnsRootsPath, bad));
            if (roots.Count == 0) _log.LogError("DNS: no SmartDNSHost, no name server in {ResolvConf} and none in dnsroots: every lookup fails temporarily", ResolvConfPath);
            else _log.LogWarning("DNS: no SmartDNSHost and no name server in {ResolvConf}: asking the {Count} servers of dnsroots", ResolvConfPath, roots.Count);
            clients = roots.Select(s => new LookupClient(Options(new LookupClientOptions(new NameServer(s.EndPoint)) { UseTcpOnly = s.Tcp }))).ToArray();
        }
        Volatile.Write(ref _clients, new ClientSet(key, clients));
        return clients;
    }

    /// <summary>resolv.conf's servers; where there is no such file (Windows), what the OS reports.</summary>
    private NameServer[] SystemNameServers()
    {
        if (File.Exists(ResolvConfPath) || OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            return ResolvConf.NameServers(ResolvConfPath).Select(e => new NameServer(e)).ToArray();
        try
        {
            return NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false).ToArray();
        }
        catch (Exception ex)
        {
            _log.LogWarning("DNS: cannot read the system's name servers: {Error}", ex.Message);
            return [];
        }
    }

    /// <summary>No answer, no SOA, but NS records in the authority section: a delegation, not NODATA.</summary>
    private static bool IsReferral(IDnsQueryResponse r)
    {
        if (r.Answers.Count > 0) return false;
        bool ns = false;
        foreach (var rec in r.Authorities)
        {
            if (rec is SoaRecord) return false;
            if (rec is NsRecord) ns = true;
        }
        return ns;
    }

    private LookupClientOptions Options(LookupClientOptions o)
    {
        o.UseCache = false; // our cache keeps the mapped answer, including negative ones
        o.Timeout = Timeout;
        o.Retries = 1;
        o.ThrowDnsErrors = false;
        o.ContinueOnDnsError = false;
        o.ContinueOnEmptyResponse = false;
        o.Recursion = true;
        return o;
    }

    private static TimeSpan PositiveTtl(IDnsQueryResponse r)
    {
        int min = int.MaxValue;
        foreach (var rec in r.Answers) min = Math.Min(min, rec.TimeToLive);
        return min == int.MaxValue ? DefaultNegativeTtl : Clamp(TimeSpan.FromSeconds(Math.Max(min, 1)));
    }

    private static TimeSpan NegativeTtl(IDnsQueryResponse? r)
    {
        var soa = r?.Authorities.SoaRecords().FirstOrDefault();
        return soa is null ? DefaultNegativeTtl : Clamp(TimeSpan.FromSeconds(Math.Clamp(Math.Min(soa.Minimum, soa.TimeToLive), 1, 3600)));
    }

    private static TimeSpan Clamp(TimeSpan ttl) => ttl > MaxTtl ? MaxTtl : ttl;

    private static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>RFC 5321 5.1: hosts with the same preference are tried in random order.</summary>
    private static IReadOnlyList<MxHost> ShuffleEqualPreferences(IReadOnlyList<MxHost> sorted)
    {
        if (sorted.Count < 2) return sorted;
        var copy = sorted.ToArray();
        int start = 0;
        for (int i = 1; i <= copy.Length; i++)
        {
            if (i < copy.Length && copy[i].Preference == copy[start].Preference) continue;
            if (i - start > 1) Random.Shared.Shuffle(copy.AsSpan(start, i - start));
            start = i;
        }
        return copy;
    }
}
