using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>smtprelay.tab: "ipaddr" "netmask" (or "ip/bits") networks allowed to relay without authentication.</summary>
public sealed class RelayTable
{
    private readonly IpNetwork[] _networks;

    private RelayTable(IpNetwork[] networks) => _networks = networks;

    public static RelayTable Load(string path, ILogger? log = null)
    {
        var list = new List<IpNetwork>();
        foreach (var line in TabFile.Records(path, 1, log))
        {
            var f = line.Fields!;
            if (IpNetwork.TryParse(f[0], f.Length > 1 && !f[0].Contains('/') ? f[1] : null, out var net)) list.Add(net);
            else log?.LogWarning("{File}:{Line}: bad address or mask; record skipped", path, line.LineNumber);
        }
        return new RelayTable(list.ToArray());
    }

    public bool Allows(IPAddress address)
    {
        foreach (var n in _networks)
            if (n.Contains(address)) return true;
        return false;
    }
}
