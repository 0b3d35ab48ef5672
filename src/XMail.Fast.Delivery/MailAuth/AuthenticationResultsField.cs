using System.Text;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// Builds the RFC 8601 Authentication-Results field (folded, CRLF-terminated) and reads the authserv-id of an
/// existing one (to remove those that claim to be ours, RFC 8601 5).
/// </summary>
public static class AuthenticationResultsField
{
    public const string Name = "Authentication-Results";

    public static string Build(string authServId, SpfVerdict mailFrom, SpfVerdict helo, IReadOnlyList<DkimSignatureResult> dkim,
        ArcResult arc, string? arcSealer, DmarcVerdict dmarc, bool arcChecked, bool dmarcChecked)
    {
        var results = new List<string>();
        if (mailFrom.Reason != "not checked")
            results.Add($"spf={mailFrom.Keyword}{Comment(mailFrom.Reason)} smtp.mailfrom={Value(mailFrom.Sender)}");
        if (helo.Reason != "not checked" && helo.Domain.Length > 0)
            results.Add($"spf={helo.Keyword} smtp.helo={Value(helo.Domain)}");
        foreach (var s in dkim)
        {
            var sb = new StringBuilder("dkim=").Append(s.Keyword).Append(Comment(s.Result == DkimResult.Pass ? null : s.Reason));
            if (s.Domain.Length > 0) sb.Append(" header.d=").Append(Value(s.Domain));
            if (s.Selector.Length > 0) sb.Append(" header.s=").Append(Value(s.Selector));
            if (s.Algorithm.Length > 0) sb.Append(" header.a=").Append(Value(s.Algorithm));
            if (s.HeaderB.Length > 0) sb.Append(" header.b=").Append(Value(s.HeaderB));
            results.Add(sb.ToString());
        }
        if (arcChecked) results.Add("arc=" + AuthResultKeywords.Of(arc) + (arcSealer is null ? "" : Comment("sealed by " + arcSealer)));
        if (dmarcChecked && dmarc.FromDomain.Length > 0)
            results.Add($"dmarc={dmarc.Keyword} ({PolicyComment(dmarc)}) header.from={Value(dmarc.FromDomain)}");
        if (results.Count == 0) return $"{Name}: {authServId}; none\r\n";
        return $"{Name}: {authServId};\r\n\t" + string.Join(";\r\n\t", results) + "\r\n";
    }

    private static string PolicyComment(DmarcVerdict d) =>
        "p=" + d.RequestedPolicy.ToString().ToLowerInvariant() + " dis=" + d.AppliedPolicy.ToString().ToLowerInvariant();

    /// <summary>A pvalue: as it is when it is a token or local@domain, else a quoted-string.</summary>
    internal static string Value(string v)
    {
        bool plain = v.Length > 0;
        foreach (char c in v)
            if (c <= ' ' || c >= 0x7F || "()<>,;:\\\"[]?=".Contains(c)) plain = false;
        if (plain) return v;
        var sb = new StringBuilder("\"");
        foreach (char c in v)
        {
            if (c < ' ' || c >= 0x7F) continue;
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A CFWS comment, without anything that could end it early or break the line.</summary>
    private static string Comment(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(" (");
        foreach (char c in text)
        {
            if (sb.Length > 100) break;
            if (c is '(' or ')' or '\\' || c < ' ' || c >= 0x7F) continue;
            sb.Append(c);
        }
        return sb.Append(')').ToString();
    }

    /// <summary>The authserv-id of a field's value (after the colon): the first token, comments skipped.</summary>
    public static string AuthServIdOf(ReadOnlySpan<char> value)
    {
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            if (c is ' ' or '\t' or '\r' or '\n') { i++; continue; }
            if (c == '(')
            {
                int depth = 0;
                for (; i < value.Length; i++)
                {
                    if (value[i] == '(') depth++;
                    else if (value[i] == ')' && --depth == 0) { i++; break; }
                }
                continue;
            }
            break;
        }
        int start = i;
        while (i < value.Length && value[i] is not (';' or ' ' or '\t' or '\r' or '\n' or '(')) i++;
        return value[start..i].ToString();
    }
}
