using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Dmarc;

/// <summary>RFC 7489 6.3: the tags of a "v=DMARC1" record that decide the result and the policy.</summary>
public sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy? SubdomainPolicy, int Percent, bool StrictDkim, bool StrictSpf)
{
    public static bool IsDmarcRecord(string txt) =>
        txt.StartsWith("v=DMARC1", StringComparison.Ordinal) && (txt.Length == 8 || txt[8] is ';' or ' ' or '\t');

    /// <summary>
    /// Parses a record; null when it must be ignored. 6.6.3 step 6: a record without a valid p= (or with a bad sp=)
    /// counts as p=none when it has a syntactically valid rua=, else it is ignored. Unknown tags are ignored.
    /// </summary>
    public static DmarcRecord? Parse(string txt)
    {
        var tags = TagList.Parse(txt);
        if (tags is null || tags.GetValueOrDefault("v") != "DMARC1") return null;
        var p = PolicyOf(tags.GetValueOrDefault("p"));
        DmarcPolicy? sp = tags.TryGetValue("sp", out var spText) ? PolicyOf(spText) : null;
        bool badSp = spText is not null && sp is null;
        if (p is null || badSp)
        {
            if (!HasValidRua(tags)) return null;
            p = DmarcPolicy.None;
            sp = null;
        }
        int pct = 100;
        if (tags.TryGetValue("pct", out var pctText) && (!int.TryParse(pctText, out pct) || pct < 0 || pct > 100)) pct = 100;
        return new DmarcRecord(p.Value, sp, pct, tags.GetValueOrDefault("adkim") == "s", tags.GetValueOrDefault("aspf") == "s");
    }

    private static DmarcPolicy? PolicyOf(string? v) => v?.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };

    private static bool HasValidRua(Dictionary<string, string> tags) =>
        tags.TryGetValue("rua", out var rua) && rua.Split(',').Any(u => Uri.TryCreate(u.Trim().Split('!')[0], UriKind.Absolute, out _));
}
