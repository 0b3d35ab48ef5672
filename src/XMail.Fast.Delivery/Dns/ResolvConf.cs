using System.Net;

namespace XMail.Fast.Delivery.Dns;

/// <summary>The "nameserver" lines of the system resolver's configuration (/etc/resolv.conf).</summary>
public static class ResolvConf
{
    public const string DefaultPath = "/etc/resolv.conf";

    /// <summary>
    /// The name servers listed in <paramref name="path"/> (port 53), in order. A missing or unreadable file
    /// gives an empty list; comments ('#', ';') and other options are skipped.
    /// </summary>
    public static List<IPEndPoint> NameServers(string path)
    {
        var result = new List<IPEndPoint>();
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return result; }
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!line.StartsWith("nameserver", StringComparison.Ordinal)) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != "nameserver") continue;
            var addr = parts[1];
            int scope = addr.IndexOf('%'); // fe80::1%eth0
            if (IPAddress.TryParse(scope > 0 ? addr[..scope] : addr, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
                result.Add(new IPEndPoint(ip, 53));
        }
        return result;
    }
}
