using System.Text;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Finger;

/// <summary>
/// Answers one FINGER query the way XMail 1.27 does (FINGSvr.cpp): "/W" (any case) marks a verbose query (same
/// answer), an empty query and any other switch are refused, "user@domain@host" (indirect) is an "Invalid
/// query", a bare user takes POP3Domain (else the server's own domain, else RootDomain). A user answers with its
/// address, RealName and HomePage from user.tab ("??" when unset); an alias answers as its account; a mailing list
/// lists its members; anything else is "User not found". Nothing beyond that is revealed.
/// </summary>
public static class FingerQuery
{
    public static string Answer(string query, MailServerContext context, string? socketDomain)
    {
        var q = query.AsSpan();
        if (q.Length > 0 && q[0] == '/')
        {
            if (q.Length < 2 || char.ToUpperInvariant(q[1]) != 'W') return "Invalid query\r\n";
            q = q[2..];
        }
        q = q.TrimStart(' ');
        if (q.IsEmpty) return "Empty query not allowed\r\n";
        string text = q.TrimEnd(' ').ToString();
        string user, domain;
        int at = text.IndexOf('@');
        if (at >= 0)
        {
            if (text.IndexOf('@', at + 1) >= 0 || !EmailAddress.TrySplit(text, out user, out domain) || domain.Contains('@') || user.Length == 0 || domain.Length == 0)
                return "Invalid query\r\n";
        }
        else
        {
            user = text;
            domain = context.Config.POP3Domain is { Length: > 0 } d ? d : socketDomain is { Length: > 0 } s ? s : context.Config.RootDomain;
        }
        var sb = new StringBuilder();
        if (!DumpUser(user, domain, context, sb, depth: 0)) return "User not found\r\n";
        return sb.ToString();
    }

    private static bool DumpUser(string user, string domain, MailServerContext context, StringBuilder sb, int depth)
    {
        if (!MailRoot.IsSafeName(user) || !MailRoot.IsSafeName(domain)) return false;
        var accounts = context.Accounts;
        var record = accounts.FindUser(domain.ToLowerInvariant(), user.ToLowerInvariant());
        if (record is null)
        {
            var alias = accounts.Aliases.FindExact(domain.ToLowerInvariant(), user.ToLowerInvariant());
            if (alias is null || !EmailAddress.TrySplit(alias.Account.Contains('@') ? alias.Account : alias.Account + "@" + domain, out var au, out var ad))
                return false;
            record = accounts.FindUser(ad.ToLowerInvariant(), au.ToLowerInvariant());
            if (record is null) return false;
        }
        if (!record.IsMailingList)
        {
            var vars = accounts.GetUserVars(record);
            sb.Append("EMail       : ").Append(record.Address).Append("\r\n");
            sb.Append("  Real Name : ").Append(vars.RealName ?? "??").Append("\r\n");
            sb.Append("  Home Page : ").Append(vars.HomePage ?? "??").Append("\r\n");
            return true;
        }
        if (depth > 0) return true; // a list inside a list: XMail does not recurse further either
        foreach (var member in accounts.GetMailingListMembers(record))
            if (EmailAddress.TrySplit(member.Address, out var mu, out var md)) DumpUser(mu, md, context, sb, depth + 1);
        return true;
    }
}
