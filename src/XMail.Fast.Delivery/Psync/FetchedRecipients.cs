using System.Text;
using System.Text.RegularExpressions;

namespace XMail.Fast.Delivery.Psync;

/// <summary>
/// Where a fetched message goes. Plain and "@domain" links name one address; "?masq" and "&amp;.suffix" links
/// take the addresses found in the headers listed by FetchHdrTags (default "+X-Deliver-To,To,Cc"; a tag with
/// '+' stops the scan when it yields an address), keep those in the link's domain list (all when the list is
/// empty) and rewrite them: user@masq, or address + suffix.
/// </summary>
public static partial class FetchedRecipients
{
    [GeneratedRegex(@"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9.\-\[\]]+")]
    private static partial Regex AddressPattern();

    public static List<string> For(Pop3Link link, IReadOnlyList<(string Name, string Value)> headers, string fetchHdrTags)
    {
        switch (link.Kind)
        {
            case Pop3LinkKind.Local: return [link.LocalName + "@" + link.LocalDomain];
            case Pop3LinkKind.Remote: return [link.LocalName + "@" + link.Target];
        }
        var found = Extract(headers, fetchHdrTags);
        var domains = link.MatchDomains;
        var result = new List<string>();
        foreach (var address in found)
        {
            int at = address.LastIndexOf('@');
            string user = address[..at], domain = address[(at + 1)..];
            if (domains.Length > 0 && !domains.Any(d => d.Equals(domain, StringComparison.OrdinalIgnoreCase))) continue;
            string rewritten = link.Kind == Pop3LinkKind.Masquerade ? user + "@" + link.Target : address + link.Target;
            if (!result.Contains(rewritten, StringComparer.OrdinalIgnoreCase)) result.Add(rewritten);
        }
        return result;
    }

    public static List<string> Extract(IReadOnlyList<(string Name, string Value)> headers, string fetchHdrTags)
    {
        var found = new List<string>();
        foreach (var raw in fetchHdrTags.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            bool stop = raw.StartsWith('+');
            string tag = stop ? raw[1..] : raw;
            int before = found.Count;
            foreach (var (name, value) in headers)
            {
                if (!name.Equals(tag, StringComparison.OrdinalIgnoreCase)) continue;
                foreach (Match m in AddressPattern().Matches(value))
                {
                    var a = m.Value.Trim('.');
                    if (!found.Contains(a, StringComparer.OrdinalIgnoreCase)) found.Add(a);
                }
            }
            if (stop && found.Count > before) break;
        }
        return found;
    }

    /// <summary>Reads the (unfolded) header block of a message file.</summary>
    public static List<(string Name, string Value)> ReadHeaders(string path)
    {
        var headers = new List<(string, string)>();
        using var reader = new StreamReader(path, Encoding.Latin1);
        string? name = null;
        var value = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) break;
            if ((line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                value.Append(' ').Append(line.Trim());
                continue;
            }
            if (name is not null) headers.Add((name, value.ToString()));
            int colon = line.IndexOf(':');
            name = colon > 0 ? line[..colon].Trim() : null;
            value.Clear();
            if (colon > 0) value.Append(line[(colon + 1)..].Trim());
        }
        if (name is not null) headers.Add((name, value.ToString()));
        return headers;
    }
}
