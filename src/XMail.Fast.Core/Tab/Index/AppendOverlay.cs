using System.Collections.Concurrent;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// Records this process appended to a TAB file since its index was built, looked up by one or two key
/// fields (case-insensitive, allocation-free). Views are immutable: each <see cref="With"/> returns a view one
/// record longer that shares storage with its parent, and a view never sees records added after it. Only the
/// newest view may be extended (the table's writer lock serializes that). The owner rebuilds the index and
/// starts a fresh overlay once this one grows large.
/// </summary>
public sealed class AppendOverlay<T> where T : class
{
    private const int MaxStackKey = 512;

    public static readonly AppendOverlay<T> Empty = new(new Storage(), 0);

    private readonly Storage _storage;
    private readonly int _count;

    private AppendOverlay(Storage storage, int count)
    {
        _storage = storage;
        _count = count;
    }

    public int Count => _count;

    /// <summary>The records in append order.</summary>
    public ReadOnlySpan<T> Records => _count == 0 ? default : Volatile.Read(ref _storage.Items).AsSpan(0, _count);

    public T? Find(ReadOnlySpan<char> key0, ReadOnlySpan<char> key1 = default)
    {
        if (_count == 0) return null;
        int length = key0.Length + 1 + key1.Length;
        Span<char> key = length <= MaxStackKey ? stackalloc char[length] : new char[length];
        key0.CopyTo(key);
        key[key0.Length] = '\0';
        key1.CopyTo(key[(key0.Length + 1)..]);
        if (!_storage.Lookup.TryGetValue(key, out int index) || index >= _count) return null;
        return Volatile.Read(ref _storage.Items)[index];
    }

    /// <summary>A new view with <paramref name="value"/> added under its key. Call only on the newest view.</summary>
    public AppendOverlay<T> With(string key0, string key1, T value)
    {
        var s = _storage.Count == _count ? _storage : throw new InvalidOperationException("only the newest overlay view can be extended");
        if (s == Empty._storage) s = new Storage();
        var items = s.Items;
        if (_count == items.Length)
        {
            var bigger = new T[Math.Max(16, items.Length * 2)];
            items.AsSpan().CopyTo(bigger);
            Volatile.Write(ref s.Items, bigger);
            items = bigger;
        }
        items[_count] = value;
        s.Map.TryAdd(key0 + "\0" + key1, _count); // first record with a key wins, as in the file
        s.Count = _count + 1;
        return new AppendOverlay<T>(s, _count + 1);
    }

    private sealed class Storage
    {
        public T[] Items = [];
        public int Count;
        public readonly ConcurrentDictionary<string, int> Map;
        public readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup;

        public Storage()
        {
            Map = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            Lookup = Map.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }
}
