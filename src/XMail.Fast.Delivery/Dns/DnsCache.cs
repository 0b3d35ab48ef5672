using System.Collections.Concurrent;
using DnsClient;

namespace XMail.Fast.Delivery.Dns;

/// <summary>
/// Answers kept in memory until their TTL runs out. Keyed by (type, name) without building a string, so a
/// cache hit allocates nothing. Temporary failures are never cached.
/// </summary>
internal sealed class DnsCache
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly TimeProvider _time;
    private const int MaxEntries = 100_000;

    public DnsCache(TimeProvider time) => _time = time;

    public int Count => _entries.Count;

    public bool TryGet(QueryType type, string name, out object? value)
    {
        if (_entries.TryGetValue(new Key(type, name), out var e) && _time.GetUtcNow().UtcTicks < e.ExpiresTicks)
        {
            value = e.Value;
            return true;
        }
        value = null;
        return false;
    }

    public void Set(QueryType type, string name, object value, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero) return;
        // Bounded: a flood of distinct names (DNSBL lookups of many peers) must not grow memory without limit.
        if (_entries.Count >= MaxEntries) Sweep();
        _entries[new Key(type, name)] = new Entry(value, (_time.GetUtcNow() + ttl).UtcTicks);
    }

    private void Sweep()
    {
        long now = _time.GetUtcNow().UtcTicks;
        foreach (var kv in _entries)
            if (kv.Value.ExpiresTicks <= now) _entries.TryRemove(kv.Key, out _);
        if (_entries.Count >= MaxEntries) _entries.Clear();
    }

    private readonly record struct Entry(object Value, long ExpiresTicks);

    private readonly struct Key : IEquatable<Key>
    {
        private readonly QueryType _type;
        private readonly string _name;

        public Key(QueryType type, string name)
        {
            _type = type;
            _name = name;
        }

        public bool Equals(Key other) => _type == other._type && string.Equals(_name, other._name, StringComparison.OrdinalIgnoreCase);
        public override bool Equals(object? obj) => obj is Key k && Equals(k);
        public override int GetHashCode() => HashCode.Combine(_type, StringComparer.OrdinalIgnoreCase.GetHashCode(_name));
    }
}
