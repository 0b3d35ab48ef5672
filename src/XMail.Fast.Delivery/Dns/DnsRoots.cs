using System.Net;

namespace XMail.Fast.Delivery.Dns;

/// <summary>
/// MailRoot/dnsroots ("DNSROOTS file"): one root name server per line, not a TAB file. XMail 1.27 starts
/// iterative resolution from these when there is no SmartDNSHost. Lines may carry comments ('#' or ';') and
/// blank lines; each entry is a host name (with or without the trailing dot), an address, or address:port.
/// The root servers' names map to their well-known addresses without asking DNS (there may be no resolver
/// to ask: that is when this file is used); any other name is looked up once through the system.
/// </summary>
public static class DnsRoots
{
    // IANA root hints (named.root); stable for decades, b changed in 2023.
    private static readonly Dictionary<string, string> WellKnown = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a.root-servers.net"] = "198.41.0.4",
        ["b.root-servers.net"] = "170.247.170.2",
        ["c.root-servers.net"] = "192.33.4.12",
        ["d.root-servers.net"] = "199.7.91.13",
        ["e.root-servers.net"] = "192.203.230.10",
        ["f.root-servers.net"] = "192.5.5.241",
        ["g.root-servers.net"] = "192.112.36.4",
        ["h.root-servers.net"] = "198.97.190.53",
        ["i.root-servers.net"] = "192.36.148.17",
        ["j.root-servers.net"] = "192.58.128.30",
        ["k.root-servers.net"] = "193.0.14.129",
        ["l.root-servers.net"] = "199.7.83.42",
        ["m.root-servers.net"] = "202.12.27.33",
    };

    /// <summary>The servers of the file at <paramref name="path"/> in file order (missing file: none).</summary>
    public static List<DnsServer> Load(string path, Action<string>? onError = null)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return new List<DnsServer>(); }
        return Parse(lines, onError);
    }

    public static List<DnsServer> Parse(IEnumerable<string> lines, Action<string>? onError = null)
    {
        var result = new List<DnsServer>();
        int n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw;
            int comment = line.IndexOfAny(['#', ';']);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.Length == 0) continue;
            // nslookup output pasted as is ("a.root-servers.net  internet address = ...") keeps its first word.
            var entry = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('.');
            if (WellKnown.TryGetValue(entry, out var ip)) entry = ip;
            var parsed = SmartDnsHosts.Parse(entry);
            if (parsed.Count != 1) onError?.Invoke($"line {n}: \"{raw.Trim()}\"");
            else if (!result.Contains(parsed[0])) result.Add(parsed[0]);
        }
        return result;
    }
}
