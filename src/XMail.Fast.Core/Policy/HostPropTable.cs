using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>
/// smtp.hnprop.tab: "host" or ".domain" (all sub-domains) then "Var=Value"... Matched against the peer's PTR name;
/// the lookup only happens when the file exists and has records (its existence is what costs a DNS query).
/// </summary>
public sealed class HostPropTable
{
    private readonly (string Spec, PeerProperties Props)[] _entries;

    private HostPropTable((string, PeerProperties)[] entries) => _entries = entries;

    public bool IsEmpty => _entries.Length == 0;

    public static HostPropTable Load(string path, ILogger? log = null) =>
        new(TabFile.Records(path, 1, log).Select(l => (l.Fields![0].ToLowerInvariant(), PeerProperties.None.With(l.Fields.Skip(1)))).ToArray());

    public PeerProperties Find(string? hostName)
    {
        if (string.IsNullOrEmpty(hostName)) return PeerProperties.None;
        var h = hostName.TrimEnd('.');
        foreach (var (spec, props) in _entries)
        {
            bool match = spec.StartsWith('.')
                ? h.EndsWith(spec, StringComparison.OrdinalIgnoreCase)
                : h.Equals(spec, StringComparison.OrdinalIgnoreCase);
            if (match) return props;
        }
        return PeerProperties.None;
    }
}
