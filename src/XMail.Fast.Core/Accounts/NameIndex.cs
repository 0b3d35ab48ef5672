namespace XMail.Fast.Core.Accounts;

/// <summary>
/// A case-insensitive two-level map (domain → name → value) whose lookups take spans and allocate nothing.
/// Built once per table snapshot; never mutated after.
/// </summary>
public sealed class NameIndex<T> where T : class
{
    private readonly Dictionary<string, Dictionary<string, T>> _byDomain = new(StringComparer.OrdinalIgnoreCase);

    public int Count { get; private set; }

    /// <summary>Adds unless present (the first record in the file wins, as a linear scan would find it).</summary>
    public bool TryAdd(string domain, string name, T value)
    {
        if (!_byDomain.TryGetValue(domain, out var names))
            _byDomain[domain] = names = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        if (!names.TryAdd(name, value)) return false;
        Count++;
        return true;
    }

    public T? Find(ReadOnlySpan<char> domain, ReadOnlySpan<char> name)
    {
        if (!_byDomain.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(domain, out var names)) return null;
        return names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var v) ? v : null;
    }

    public bool HasDomain(ReadOnlySpan<char> domain) => _byDomain.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(domain);
}
