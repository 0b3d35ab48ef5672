using System.Collections.Concurrent;
using System.Net;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// SMTP-after-POP3 ("EnableAuthSMTP-POP3", -Se expire seconds): client addresses that logged in to POP3
/// recently. The POP3 server records every successful login; the SMTP server asks whether a peer is authorized.
/// In memory (one process); the per-account ".ipconn" file (<see cref="LastLogin"/>) keeps the durable record.
/// </summary>
public sealed class Pop3BeforeSmtp
{
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _logins = new();

    public void Record(IPAddress address, DateTimeOffset time)
    {
        address = Normalize(address);
        _logins[address] = time;
        // Bound the table: drop entries older than a day now and then (expiry is at most -Se seconds).
        if (_logins.Count > 100_000)
            foreach (var kv in _logins)
                if (kv.Value < time.AddDays(-1)) _logins.TryRemove(kv.Key, out _);
    }

    public bool IsAuthorized(IPAddress address, DateTimeOffset now, TimeSpan expiry) =>
        _logins.TryGetValue(Normalize(address), out var t) && t + expiry >= now;

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
