using System.Globalization;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Core.Accounts;

// The hot lookup tables. Each snapshot is one version of its TAB file behind a hash index
// (MailRoot/tabindex/<table>.hidx, memory-mapped; see TabIndex for the format and TabIndexFolder for
// rebuilds). Lookups take spans and allocate nothing on a miss; the record lists used by CTRL listings
// are read from the index on demand instead of being held in memory.

/// <summary>domains.tab: the domains handled locally.</summary>
public sealed class DomainSet
{
    public static readonly TabIndexSchema Schema = new("domains", [0], 1);

    private readonly IndexedTab<string> _tab;

    private DomainSet(TabIndex index) => _tab = new(index, static (in f) => f.GetString(0));

    /// <summary>The domains in file order (read from the index on demand).</summary>
    public IReadOnlyList<string> Ordered => _tab.All;

    public bool Contains(ReadOnlySpan<char> domain) => _tab.Index.Find(domain) >= 0;

    public static DomainSet Load(string path, TabIndexFolder folder) => new(folder.Open(path, Schema));

    public static DomainSet Load(string path, ILogger? log) => new(TabIndexFolder.BuildInMemory(path, Schema, log));
}

/// <summary>
/// mailusers.tab: the indexed file plus the users this process appended since the index was built
/// (<see cref="WithAppended"/>), so a useradd costs O(1) instead of a rebuild.
/// </summary>
public sealed class UserTable
{
    public static readonly TabIndexSchema Schema = new("mailusers", [0, 1], 6, maxOfField: 3, check: CheckRecord);

    private readonly IndexedTab<UserRecord> _tab;
    private readonly AppendOverlay<UserRecord> _added;

    private UserTable(TabIndex index)
    {
        _tab = new(index, static (in f) => Create(in f));
        _added = AppendOverlay<UserRecord>.Empty;
        MaxId = (int)Math.Clamp(index.Header.MaxOfField, 0, int.MaxValue);
    }

    private UserTable(UserTable parent, UserRecord added)
    {
        _tab = parent._tab;
        _added = parent._added.With(added.Domain, added.Name, added);
        MaxId = Math.Max(parent.MaxId, added.Id);
    }

    /// <summary>All users in file order (read from the index on demand, then the appended ones).</summary>
    public IReadOnlyList<UserRecord> Users => _added.Count == 0 ? _tab.All : [.. _tab.All, .. _added.Records];

    public int MaxId { get; }

    /// <summary>Records in the index / appended since it was built (the owner rebuilds when the latter grows large).</summary>
    public long IndexedCount => _tab.Index.RecordCount;
    public int AppendedCount => _added.Count;

    public UserRecord? Find(ReadOnlySpan<char> domain, ReadOnlySpan<char> name) => _tab.FindExact(domain, name) ?? _added.Find(domain, name);

    /// <summary>This table plus one user just appended to the file. Call only on the newest snapshot.</summary>
    public UserTable WithAppended(UserRecord user) => new(this, user);

    public static UserRecord? ParseRecord(TabLine line, string path, ILogger? log)
    {
        var f = line.Fields!;
        if (!int.TryParse(f[3], out int id) || id <= 0 || f[5].Length != 1)
        {
            log?.LogWarning("{File}:{Line}: bad user id or account type; record skipped", path, line.LineNumber);
            return null;
        }
        return new UserRecord(f[0], f[1], f[2], id, f[4], char.ToUpperInvariant(f[5][0]));
    }

    private static string? CheckRecord(scoped in TabFields f) =>
        TryId(f[3], out _) && f[5].Length == 1 ? null : "bad user id or account type";

    private static bool TryId(ReadOnlySpan<byte> field, out int id) =>
        int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out id) && id > 0;

    private static UserRecord Create(scoped in TabFields f)
    {
        TryId(f[3], out int id);
        return new UserRecord(f.GetString(0), f.GetString(1), f.GetString(2), id, f.GetString(4), char.ToUpperInvariant((char)f[5][0]));
    }

    public static UserTable Load(string path, TabIndexFolder folder) => new(folder.Open(path, Schema));

    public static UserTable Load(string path, ILogger? log) => new(TabIndexFolder.BuildInMemory(path, Schema, log));
}

/// <summary>
/// aliases.tab: exact aliases in the hash index (plus the exact ones this process appended since it was built),
/// wildcard ones ('*', '?' in domain or alias) scanned in file order.
/// </summary>
public sealed class AliasTable
{
    public static readonly TabIndexSchema Schema = new("aliases", [0, 1], 3, wildcardKeys: true);

    private readonly IndexedTab<AliasRecord> _tab;
    private readonly AppendOverlay<AliasRecord> _added;

    private AliasTable(TabIndex index)
    {
        _tab = new(index, static (in f) => new AliasRecord(f.GetString(0), f.GetString(1), f.GetString(2)));
        _added = AppendOverlay<AliasRecord>.Empty;
    }

    private AliasTable(AliasTable parent, AliasRecord added)
    {
        _tab = parent._tab;
        _added = parent._added.With(added.Domain, added.Alias, added);
    }

    /// <summary>All aliases in file order (read from the index on demand, then the appended ones).</summary>
    public IReadOnlyList<AliasRecord> All => _added.Count == 0 ? _tab.All : [.. _tab.All, .. _added.Records];

    public long IndexedCount => _tab.Index.RecordCount;
    public int AppendedCount => _added.Count;

    public AliasRecord? Find(ReadOnlySpan<char> domain, ReadOnlySpan<char> name)
    {
        if (FindExactKey(domain, name) is { } hit) return hit;
        foreach (var a in _tab.Wildcards)
            if (Wildcard.IsMatch(a.Domain, domain) && Wildcard.IsMatch(a.Alias, name)) return a;
        return null;
    }

    /// <summary>The exact record (no wildcard expansion), as aliasadd/aliasdel see it.</summary>
    public AliasRecord? FindExact(string domain, string alias)
    {
        if (!Wildcard.HasWildcards(domain) && !Wildcard.HasWildcards(alias)) return FindExactKey(domain, alias);
        foreach (var a in _tab.Wildcards)
            if (a.Domain.Equals(domain, StringComparison.OrdinalIgnoreCase) && a.Alias.Equals(alias, StringComparison.OrdinalIgnoreCase)) return a;
        return null;
    }

    /// <summary>This table plus one exact (wildcard-free) alias just appended to the file. Call only on the newest snapshot.</summary>
    public AliasTable WithAppended(AliasRecord alias) =>
        Wildcard.HasWildcards(alias.Domain) || Wildcard.HasWildcards(alias.Alias) ? throw new ArgumentException("wildcard aliases need a rebuild", nameof(alias)) : new(this, alias);

    private AliasRecord? FindExactKey(ReadOnlySpan<char> domain, ReadOnlySpan<char> alias) => _tab.FindExact(domain, alias) ?? _added.Find(domain, alias);

    public static AliasTable Load(string path, TabIndexFolder folder) => new(folder.Open(path, Schema));

    public static AliasTable Load(string path, ILogger? log) => new(TabIndexFolder.BuildInMemory(path, Schema, log));
}

/// <summary>aliasdomain.tab: alias domain (wildcards allowed) → real domain.</summary>
public sealed class AliasDomainTable
{
    public static readonly TabIndexSchema Schema = new("aliasdomain", [0], 2, wildcardKeys: true);

    private readonly IndexedTab<AliasDomainRecord> _tab;

    private AliasDomainTable(TabIndex index) =>
        _tab = new(index, static (in f) => new AliasDomainRecord(f.GetString(0), f.GetString(1)));

    /// <summary>All alias domains in file order (read from the index on demand).</summary>
    public IReadOnlyList<AliasDomainRecord> All => _tab.All;

    public string? Resolve(ReadOnlySpan<char> domain)
    {
        if (_tab.FindExact(domain) is { } r) return r.RealDomain;
        foreach (var w in _tab.Wildcards)
            if (Wildcard.IsMatch(w.AliasDomain, domain)) return w.RealDomain;
        return null;
    }

    public static AliasDomainTable Load(string path, TabIndexFolder folder) => new(folder.Open(path, Schema));

    public static AliasDomainTable Load(string path, ILogger? log) => new(TabIndexFolder.BuildInMemory(path, Schema, log));
}

/// <summary>extaliases.tab: external address → local account (Return-Path mapping).</summary>
public sealed class ExtAliasTable
{
    public static readonly TabIndexSchema Schema = new("extaliases", [0, 1], 4);

    private readonly IndexedTab<ExtAliasRecord> _tab;

    private ExtAliasTable(TabIndex index) =>
        _tab = new(index, static (in f) => new ExtAliasRecord(f.GetString(0), f.GetString(1), f.GetString(2), f.GetString(3)));

    /// <summary>All external aliases in file order (read from the index on demand).</summary>
    public IReadOnlyList<ExtAliasRecord> All => _tab.All;

    public ExtAliasRecord? Find(ReadOnlySpan<char> extDomain, ReadOnlySpan<char> extName) => _tab.FindExact(extDomain, extName);

    public static ExtAliasTable Load(string path, TabIndexFolder folder) => new(folder.Open(path, Schema));

    public static ExtAliasTable Load(string path, ILogger? log) => new(TabIndexFolder.BuildInMemory(path, Schema, log));
}
