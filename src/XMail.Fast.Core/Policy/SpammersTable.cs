using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>
/// spammers.tab: "ip" "mask" ["params"] or "ip/bits" ["params"]; params "code=N": N &gt; 0 (default) rejects at
/// connect, 0 flags the peer (only authenticated sessions may mail), N &lt; 0 delays every command |N| seconds.
/// </summary>
public sealed class SpammersTable
{
    private readonly (IpNetwork Net, int Code)[] _entries;

    private SpammersTable((IpNetwork, int)[] entries) => _entries = entries;

    public static SpammersTable Load(string path, ILogger? log = null)
    {
        var list = new List<(IpNetwork, int)>();
        foreach (var line in TabFile.Records(path, 1, log))
        {
            var f = line.Fields!;
            IpNetwork net;
            string? parameters;
            if (f[0].Contains('/'))
            {
                if (!IpNetwork.TryParse(f[0], null, out net)) { Bad(log, path, line.LineNumber); continue; }
                parameters = f.Length > 1 ? f[1] : null;
            }
            else
            {
                if (f.Length < 2 || !IpNetwork.TryParse(f[0], f[1], out net)) { Bad(log, path, line.LineNumber); continue; }
                parameters = f.Length > 2 ? f[2] : null;
            }
            list.Add((net, CodeOf(parameters)));
        }
        return new SpammersTable(list.ToArray());
    }

    /// <summary>The code of the first record matching <paramref name="address"/>, or null when none does.</summary>
    public int? Match(IPAddress address)
    {
        foreach (var (net, code) in _entries)
            if (net.Contains(address)) return code;
        return null;
    }

    internal static int CodeOf(string? parameters)
    {
        if (parameters is null) return 1;
        foreach (var p in parameters.Split(','))
        {
            var kv = p.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("code", StringComparison.OrdinalIgnoreCase) && int.TryParse(kv[1].Trim(), out int c)) return c;
        }
        return 1;
    }

    private static void Bad(ILogger? log, string path, int line) =>
        log?.LogWarning("{File}:{Line}: bad address or mask; record skipped", path, line);
}
