using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// A "domain" → value table: smtpgw.tab ("domain" "@gw[,@gw2...]") and smtpfwd.tab ("domain" "mx-list").
/// Domains may hold '*'/'?' wildcards; like XMail, the first line that matches wins.
/// </summary>
public sealed class DomainRouteTable
{
    private readonly (string Pattern, string Value)[] _rows;

    public DomainRouteTable(IEnumerable<(string Pattern, string Value)> rows) => _rows = rows.ToArray();

    public static readonly DomainRouteTable Empty = new([]);

    public static DomainRouteTable Load(string path, ILogger? log) =>
        new(TabFile.Records(path, 2, log).Select(l => (l.Fields![0].Trim(), l.Fields[1].Trim())));

    public int Count => _rows.Length;

    public string? Find(string domain)
    {
        foreach (var (pattern, value) in _rows)
            if (Wildcard.IsMatch(pattern, domain)) return value;
        return null;
    }
}
