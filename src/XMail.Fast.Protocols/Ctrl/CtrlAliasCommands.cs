using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>aliasadd aliasdel aliaslist exaliasadd exaliasdel exaliaslist.</summary>
internal static class CtrlAliasCommands
{
    public static async ValueTask<bool> AliasAdd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        // The target must be a real account: "name" in the same domain or "name@domain" (XMail checks it too).
        var (targetDomain, targetName) = EmailAddress.TrySplit(t[3], out string u, out string d) ? (d, u) : (t[1], t[3]);
        if (a.FindUser(targetDomain, targetName) is null) return await Reply(s, ErrorCode.RecordNotFound);
        if (a.FindUser(t[1], t[2]) is not null) return await Reply(s, ErrorCode.UserExist);
        return await Reply(s, a.AddAlias(t[1], t[2], t[3]));
    }

    public static async ValueTask<bool> AliasDel(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Accounts.DeleteAlias(t[1], t[2]));

    public static async ValueTask<bool> AliasList(CtrlSession s, string[] t)
    {
        string? domain = t.Length > 1 ? t[1] : null, alias = t.Length > 2 ? t[2] : null, account = t.Length > 3 ? t[3] : null;
        var lines = s.Services.Accounts.Aliases.All
            .Where(r => (domain is null || Wildcard.IsMatch(domain, r.Domain)) &&
                        (alias is null || Wildcard.IsMatch(alias, r.Alias)) &&
                        (account is null || Wildcard.IsMatch(account, r.Account)))
            .Select(r => TabParser.Format([r.Domain, r.Alias, r.Account]));
        await s.SendListAsync(lines);
        return true;
    }

    public static async ValueTask<bool> ExAliasAdd(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Accounts.AddExtAlias(t[1], t[2]));

    public static async ValueTask<bool> ExAliasDel(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Accounts.DeleteExtAlias(t[1]));

    /// <summary>exaliaslist [local-address-match [remote-address-match]]: each address split at '@' and matched by parts.</summary>
    public static async ValueTask<bool> ExAliasList(CtrlSession s, string[] t)
    {
        string ln = "*", ld = "*", rn = "*", rd = "*";
        if (t.Length > 1 && !EmailAddress.TrySplit(t[1], out ln, out ld)) return await Reply(s, ErrorCode.BadEmailAddr);
        if (t.Length > 2 && !EmailAddress.TrySplit(t[2], out rn, out rd)) return await Reply(s, ErrorCode.BadEmailAddr);
        var lines = s.Services.Accounts.ExtAliases.All
            .Where(r => Wildcard.IsMatch(rd, r.ExtDomain) && Wildcard.IsMatch(rn, r.ExtName) &&
                        Wildcard.IsMatch(ld, r.LocalDomain) && Wildcard.IsMatch(ln, r.LocalName))
            .Select(r => TabParser.Format([r.ExtDomain, r.ExtName, r.LocalDomain, r.LocalName]));
        await s.SendListAsync(lines);
        return true;
    }
}
