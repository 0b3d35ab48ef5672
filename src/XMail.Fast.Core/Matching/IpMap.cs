using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Matching;

/// <summary>
/// An *.ipmap.tab table: "ipaddr" "netmask" "ALLOW|DENY" precedence. Of the matching records the
/// one with the highest precedence decides; with no match access is allowed (XMail 1.27).
/// </summary>
public sealed class IpMap
{
    private readonly (IpNetwork Net, bool Allow, int Precedence)[] _rules;

    private IpMap((IpNetwork, bool, int)[] rules) => _rules = rules;

    public static readonly IpMap AllowAll = new([]);

    public static IpMap Load(string path, ILogger? log = null)
    {
        var rules = new List<(IpNetwork, bool, int)>();
        foreach (var line in TabFile.Records(path, 4, log))
        {
            var f = line.Fields!;
            if (!IpNetwork.TryParse(f[0], f[1], out var net) || !int.TryParse(f[3], out int prec))
            {
                log?.LogWarning("{File}:{Line}: bad address, mask or precedence; record skipped", path, line.LineNumber);
                continue;
            }
            rules.Add((net, f[2].Equals("ALLOW", StringComparison.OrdinalIgnoreCase), prec));
        }
        return new IpMap(rules.ToArray());
    }

    public bool IsAllowed(IPAddress address)
    {
        bool allowed = true;
        int best = int.MinValue;
        foreach (var (net, allow, prec) in _rules)
        {
            // Ties go to DENY: a rule that denies at the same precedence is the safer reading.
            if (!net.Contains(address)) continue;
            if (prec > best || (prec == best && !allow))
            {
                best = prec;
                allowed = allow;
            }
        }
        return allowed;
    }
}
