namespace XMail.Fast.Core.Tab.Index;

/// <summary>Turns a record's fields into the table's record object (fields already passed the schema's checks).</summary>
public delegate T RecordFactory<T>(scoped in TabFields fields);

/// <summary>
/// Typed records over a <see cref="TabIndex"/>: exact lookups through the hash, then the wildcard records
/// in file order (XMail: an exact match wins over any pattern). Hit records are kept in a small
/// direct-mapped cache keyed by slot, so a hot account is parsed once per snapshot and later hits
/// allocate nothing; misses never allocate. The full record list (for CTRL listings) is built on demand
/// and only weakly held, so a million-user table costs no managed memory while nobody lists it.
/// </summary>
public sealed class IndexedTab<T> where T : class
{
    private const int MaxCacheEntries = 1 << 14;

    private readonly TabIndex _index;
    private readonly RecordFactory<T> _factory;
    private readonly CacheEntry?[] _cache;
    private readonly long _cacheMask;
    private readonly T[] _wild;
    private WeakReference<List<T>>? _all;

    public IndexedTab(TabIndex index, RecordFactory<T> factory)
    {
        _index = index;
        _factory = factory;
        int size = (int)Math.Min(index.Header.SlotCount, MaxCacheEntries);
        _cache = new CacheEntry?[size];
        _cacheMask = size - 1;
        _wild = new T[index.WildCount];
        for (long i = 0; i < index.WildCount; i++) _wild[i] = Create(index.WildOffset(i));
    }

    public TabIndex Index => _index;

    /// <summary>Wildcard records in file order (small: kept in memory).</summary>
    public ReadOnlySpan<T> Wildcards => _wild;

    /// <summary>The first exact (non-wildcard) record with this key, or null. Allocation-free except the first hit of a record.</summary>
    public T? FindExact(ReadOnlySpan<char> key0, ReadOnlySpan<char> key1 = default)
    {
        long offset = _index.Find(key0, key1, out long slot);
        if (offset < 0) return null;
        ref var entry = ref _cache[slot & _cacheMask];
        var e = Volatile.Read(ref entry);
        if (e is not null && e.Offset == offset) return e.Value;
        var value = Create(offset);
        Volatile.Write(ref entry, new CacheEntry(offset, value));
        return value;
    }

    /// <summary>Every record in file order, read from the index (exact and wildcard alike).</summary>
    public IReadOnlyList<T> All
    {
        get
        {
            if (_all is not null && _all.TryGetTarget(out var list)) return list;
            list = new List<T>((int)Math.Min(_index.RecordCount + _index.WildCount, int.MaxValue));
            long next = 0;
            while (_index.TryNext(ref next, out long offset)) list.Add(Create(offset));
            _all = new WeakReference<List<T>>(list);
            return list;
        }
    }

    private T Create(long offset)
    {
        TabFields.Parse(_index.LineAt(offset), out var fields, out _);
        var value = _factory(in fields);
        GC.KeepAlive(_index);
        return value;
    }

    private sealed class CacheEntry(long offset, T value)
    {
        public long Offset { get; } = offset;
        public T Value { get; } = value;
    }
}
