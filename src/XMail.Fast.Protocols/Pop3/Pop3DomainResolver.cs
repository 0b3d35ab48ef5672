using System.Collections.Concurrent;
using System.Net;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The domain a bare POP3 (or FINGER) user name belongs to ("MISCELLANEOUS"): server.tab POP3Domain when set;
/// otherwise the reverse lookup of the local address the client connected to, walked up label by label
/// ("xxxx.yyyy.zzzz", then "yyyy.zzzz", then "zzzz") until a handled domain is found; otherwise the host name
/// itself, and with no name at all RootDomain. Reverse lookups are cached per local address.
/// </summary>
public sealed class Pop3DomainResolver
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);
    private readonly MailServerContext _context;
    private readonly ConcurrentDictionary<IPAddress, (string? Name, DateTimeOffset At)> _names = new();

    public Pop3DomainResolver(MailServerContext context) => _context = context;

    /// <summary>The domain for the banner timestamp: no DNS wait (POP3Domain, else RootDomain).</summary>
    public string BannerDomain() => _context.Config.POP3Domain is { Length: > 0 } d ? d : _context.Config.RootDomain;

    public async ValueTask<string> ResolveAsync(IPAddress localAddress)
    {
        if (_context.Config.POP3Domain is { Length: > 0 } pop3Domain) return pop3Domain;
        string? host = await ReverseAsync(localAddress).ConfigureAwait(false);
        if (host is null) return _context.Config.RootDomain;
        return WalkUp(host, d => _context.Accounts.IsLocalDomain(d)) ?? host;
    }

    /// <summary>The first handled suffix of <paramref name="host"/>, from the full name up to its last label.</summary>
    public static string? WalkUp(string host, Func<string, bool> isHandled)
    {
        string name = host.TrimEnd('.');
        while (name.Length > 0)
        {
            if (isHandled(name)) return name;
            int dot = name.IndexOf('.');
            if (dot < 0) break;
            name = name[(dot + 1)..];
        }
        return null;
    }

    private async ValueTask<string?> ReverseAsync(IPAddress address)
    {
        var now = _context.Time.GetUtcNow();
        if (_names.TryGetValue(address, out var cached) && now - cached.At < CacheFor) return cached.Name;
        string? name = null;
        try
        {
            using var cts = new CancellationTokenSource(LookupTimeout);
            var entry = await Dns.GetHostEntryAsync(address.ToString(), cts.Token).ConfigureAwait(false);
            name = string.IsNullOrEmpty(entry.HostName) || entry.HostName == address.ToString() ? null : entry.HostName.ToLowerInvariant();
        }
        catch (Exception) { name = null; }
        _names[address] = (name, now);
        return name;
    }
}
