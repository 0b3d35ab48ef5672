using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>domains.tab: the domains handled locally.</summary>
public sealed class DomainSet
{
    private readonly HashSet<string> _set;

    private DomainSet(List<string> ordered)
    {
        Ordered = ordered;
        _set = new HashSet<string>(ordered, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> Ordered { get; }

    public bool Contains(ReadOnlySpan<char> domain) => _set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(domain);

    public static DomainSet Load(string path, ILogger? log) =>
        new(TabFile.Records(path, 1, log).Select(l => l.Fields![0]).ToList());
}

/// <summary>mailusers.tab.</summary>
public sealed class UserTable
{
    private readonly NameIndex<UserRecord> _index = new();

    private UserTable(List<UserRecord> users)
    {
        Users = users;
        foreach (var u in users) _index.TryAdd(u.Domain, u.Name, u);
        MaxId = users.Count == 0 ? 0 : users.Max(u => u.Id);
    }

    public IReadOnlyList<UserRecord> Users { get; }
    public int MaxId { get; }

    public UserRecord? Find(ReadOnlySpan<char> domain, ReadOnlySpan<char> name) => _index.Find(domain, name);

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

    public static UserTable Load(string path, ILogger? log)
    {
        var list = new List<UserRecord>();
        foreach (var line in TabFile.Records(path, 6, log))
            if (ParseRecord(line, path, log) is { } u) list.Add(u);
        return new UserTable(list);
    }
}

/// <summary>aliases.tab: exact aliases in a hash index, wildcard ones ('*', '?' in domain or alias) scanned in file order.</summary>
public sealed class AliasTable
{
    private readonly NameIndex<AliasRecord> _exact = new();
    private readonly List<AliasRecord> _wild = new();

    private AliasTable(List<AliasRecord> all)
    {
        All = all;
        foreach (var a in all)
        {
            if (Wildcard.HasWildcards(a.Domain) || Wildcard.HasWildcards(a.Alias)) _wild.Add(a);
            else _exact.TryAdd(a.Domain, a.Alias, a);
        }
    }

    public IReadOnlyList<AliasRecord> All { get; }

    public AliasRecord? Find(ReadOnlySpan<char> domain, ReadOnlySpan<char> name)
    {
        if (_exact.Find(domain, name) is { } hit) return hit;
        foreach (var a in _wild)
            if (Wildcard.IsMatch(a.Domain, domain) && Wildcard.IsMatch(a.Alias, name)) return a;
        return null;
    }

    /// <summary>The exact record (no wildcard expansion), as aliasadd/aliasdel see it.</summary>
    public AliasRecord? FindExact(string domain, string alias) =>
        All.FirstOrDefault(a => a.Domain.Equals(domain, StringComparison.OrdinalIgnoreCase) && a.Alias.Equals(alias, StringComparison.OrdinalIgnoreCase));

    public static AliasTable Load(string path, ILogger? log) =>
        new(TabFile.Records(path, 3, log).Select(l => new AliasRecord(l.Fields![0], l.Fields[1], l.Fields[2])).ToList());
}

/// <summary>aliasdomain.tab: alias domain (wildcards allowed) → real domain.</summary>
public sealed class AliasDomainTable
{
    private readonly Dictionary<string, AliasDomainRecord> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AliasDomainRecord> _wild = new();

    private AliasDomainTable(List<AliasDomainRecord> all)
    {
        All = all;
        foreach (var r in all)
        {
            if (Wildcard.HasWildcards(r.AliasDomain)) _wild.Add(r);
            else _exact.TryAdd(r.AliasDomain, r);
        }
    }

    public IReadOnlyList<AliasDomainRecord> All { get; }

    public string? Resolve(ReadOnlySpan<char> domain)
    {
        if (_exact.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(domain, out var r)) return r.RealDomain;
        foreach (var w in _wild)
            if (Wildcard.IsMatch(w.AliasDomain, domain)) return w.RealDomain;
        return null;
    }

    public static AliasDomainTable Load(string path, ILogger? log) =>
        new(TabFile.Records(path, 2, log).Select(l => new AliasDomainRecord(l.Fields![0], l.Fields[1])).ToList());
}

/// <summary>extaliases.tab: external address → local account (Return-Path mapping).</summary>
public sealed class ExtAliasTable
{
    private readonly NameIndex<ExtAliasRecord> _index = new();

    private ExtAliasTable(List<ExtAliasRecord> all)
    {
        All = all;
        foreach (var r in all) _index.TryAdd(r.ExtDomain, r.ExtName, r);
    }

    public IReadOnlyList<ExtAliasRecord> All { get; }

    public ExtAliasRecord? Find(ReadOnlySpan<char> extDomain, ReadOnlySpan<char> extName) => _index.Find(extDomain, extName);

    public static ExtAliasTable Load(string path, ILogger? log) =>
        new(TabFile.Records(path, 4, log).Select(l => new ExtAliasRecord(l.Fields![0], l.Fields[1], l.Fields[2], l.Fields[3])).ToList());
}
