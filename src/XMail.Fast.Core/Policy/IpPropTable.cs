using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>smtp.ipprop.tab: "ip/bits" "Var=Value"... ; the first matching record gives the peer's properties.</summary>
public sealed class IpPropTable
{
    private readonly (IpNetwork Net, PeerProperties Props)[] _entries;

    private IpPropTable((IpNetwork, PeerProperties)[] entries) => _entries = entries;

    public static IpPropTable Load(string path, ILogger? log = null)
    {
        var list = new List<(IpNetwork, PeerProperties)>();
        foreach (var line in TabFile.Records(path, 1, log))
        {
            var f = line.Fields!;
            if (!IpNetwork.TryParse(f[0], null, out var net))
            {
                log?.LogWarning("{File}:{Line}: bad address mask; record skipped", path, line.LineNumber);
                continue;
            }
            list.Add((net, PeerProperties.None.With(f.Skip(1))));
        }
        return new IpPropTable(list.ToArray());
    }

    public PeerProperties Find(IPAddress address)
    {
        foreach (var (net, props) in _entries)
            if (net.Contains(address)) return props;
        return PeerProperties.None;
    }
}
