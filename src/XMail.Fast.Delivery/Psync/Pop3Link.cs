using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.Psync;

/// <summary>How fetched messages of a link are addressed (POP3LINKS.TAB first column).</summary>
public enum Pop3LinkKind
{
    /// <summary>"domain": into the local account name@domain.</summary>
    Local,
    /// <summary>"@domain": spooled to name@domain (custom domain processing etc.).</summary>
    Remote,
    /// <summary>"?masq,dom1,dom2": To/Cc/... addresses in dom1/dom2 become user@masq.</summary>
    Masquerade,
    /// <summary>"&amp;.suffix,dom1,dom2": To/Cc/... addresses in dom1/dom2 get ".suffix" appended.</summary>
    Suffix,
}

/// <summary>
/// One pop3links.tab record: "local-domain" "local-account" "external-domain[:port]" "external-account"
/// "external-crypted-password" "authtype" (CLR, APOP, FAPOP, STLS, FSTLS, POP3S, Leave[=0|1], OutBind=ip).
/// </summary>
public sealed record Pop3Link(string LocalDomain, string LocalName, string ExtDomain, string ExtName, string Password, string AuthType)
{
    public Pop3LinkKind Kind => LocalDomain.Length == 0 ? Pop3LinkKind.Local : LocalDomain[0] switch
    {
        '@' => Pop3LinkKind.Remote,
        '?' => Pop3LinkKind.Masquerade,
        '&' => Pop3LinkKind.Suffix,
        _ => Pop3LinkKind.Local,
    };

    /// <summary>For @/?/&amp; forms: the text after the marker up to the first comma (domain, masquerade domain or suffix).</summary>
    public string Target
    {
        get
        {
            var s = Kind == Pop3LinkKind.Local ? LocalDomain : LocalDomain[1..];
            int comma = s.IndexOf(',');
            return comma < 0 ? s : s[..comma];
        }
    }

    /// <summary>For ?/&amp; forms: the domains whose addresses are taken (empty: all).</summary>
    public string[] MatchDomains
    {
        get
        {
            int comma = LocalDomain.IndexOf(',');
            return comma < 0 ? [] : LocalDomain[(comma + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public bool Has(string option) => Options.ContainsKey(option);

    public IReadOnlyDictionary<string, string?> Options { get; } = ParseOptions(AuthType);

    public bool Leave => Options.TryGetValue("Leave", out var v) && (v is null || (int.TryParse(v, out int n) && n > 0));
    public bool UseApop => Has("APOP") || Has("FAPOP");
    public bool ForceApop => Has("FAPOP");
    public bool UseStls => Has("STLS") || Has("FSTLS");
    public bool ForceStls => Has("FSTLS");
    public bool Pop3s => Has("POP3S");
    public string? OutBind => Options.TryGetValue("OutBind", out var v) ? v : null;

    public (string Host, int Port) Server
    {
        get
        {
            int colon = ExtDomain.LastIndexOf(':');
            if (colon > 0 && int.TryParse(ExtDomain[(colon + 1)..], out int port)) return (ExtDomain[..colon], port);
            return (ExtDomain, Pop3s ? 995 : 110);
        }
    }

    private static Dictionary<string, string?> ParseOptions(string text)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) d[part] = null;
            else d[part[..eq]] = part[(eq + 1)..];
        }
        return d;
    }

    public static List<Pop3Link> Load(string path, ILogger? log = null)
    {
        var list = new List<Pop3Link>();
        foreach (var line in TabFile.Records(path, 6, log))
        {
            var f = line.Fields!;
            if (!XMCrypt.TryDecode(f[4], out var password))
            {
                log?.LogWarning("{File}:{Line}: password is not XMCrypt-encoded; link skipped", path, line.LineNumber);
                continue;
            }
            list.Add(new Pop3Link(f[0], f[1], f[2], f[3], password, f[5]));
        }
        return list;
    }

    /// <summary>File-name-safe form of a name (XMail's GwLkSanitizeFileName: ':' '/' '\' become '_').</summary>
    public static string Sanitize(string name) => name.Replace(':', '_').Replace('/', '_').Replace('\\', '_').Replace("..", "__");
}
