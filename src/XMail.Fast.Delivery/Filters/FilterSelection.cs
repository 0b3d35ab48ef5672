using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.Filters;

/// <summary>
/// FILTERS.IN.TAB / FILTERS.OUT.TAB: "sender" "recipient" "remote-addr" "local-addr" "filename". A filter file applies
/// when all four match (addresses by wildcard, addresses of the info line by network mask).
/// </summary>
public sealed class FilterSelection
{
    private readonly List<Rule> _rules;

    private FilterSelection(List<Rule> rules) => _rules = rules;

    private sealed record Rule(string Sender, string Recipient, IpNetwork Remote, IpNetwork Local, string File);

    public int Count => _rules.Count;

    public IEnumerable<string> Select(string sender, string recipient, IPAddress? remote, IPAddress? local)
    {
        foreach (var r in _rules)
        {
            if (!Wildcard.IsMatch(r.Sender, sender) || !Wildcard.IsMatch(r.Recipient, recipient)) continue;
            if (remote is not null && !r.Remote.Contains(remote)) continue;
            if (local is not null && !r.Local.Contains(local)) continue;
            yield return r.File;
        }
    }

    public static FilterSelection Load(string path, ILogger log)
    {
        var rules = new List<Rule>();
        foreach (var line in TabFile.Records(path, 5, log))
        {
            var f = line.Fields!;
            if (!IpNetwork.TryParse(f[2], null, out var remote) || !IpNetwork.TryParse(f[3], null, out var local))
            {
                log.LogWarning("{File}:{Line}: bad address mask; filter rule skipped", path, line.LineNumber);
                continue;
            }
            rules.Add(new Rule(f[0], f[1], remote, local, f[4]));
        }
        return new FilterSelection(rules);
    }

    /// <summary>"[1.2.3.4]:25" → 1.2.3.4 (null when absent or unparsable).</summary>
    public static IPAddress? ParseInfoAddress(string text)
    {
        int lb = text.IndexOf('['), rb = text.IndexOf(']');
        var ip = lb >= 0 && rb > lb ? text[(lb + 1)..rb] : text;
        return IPAddress.TryParse(ip, out var a) ? a : null;
    }
}
