using XMail.Fast.Core;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>domainadd domaindel domainlist aliasdomainadd aliasdomaindel aliasdomainlist.</summary>
internal static class CtrlDomainCommands
{
    public static async ValueTask<bool> DomainAdd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        // XMail 1.27 answers ERR_ALREADY_EXIST (-00231) for a domain it already handles.
        if (a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.AlreadyExist);
        var code = a.AddDomain(t[1]);
        return await Reply(s, code == ErrorCode.DomainAlreadyHandled ? ErrorCode.AlreadyExist : code);
    }

    public static async ValueTask<bool> DomainDel(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Accounts.DeleteDomain(t[1]));

    /// <summary>domainlist [wildmatch ...]: a domain is listed when any pattern matches.</summary>
    public static async ValueTask<bool> DomainList(CtrlSession s, string[] t)
    {
        var lines = s.Services.Accounts.Domains.Ordered
            .Where(d => t.Length < 2 || t.Skip(1).Any(p => Wildcard.IsMatch(p, d)))
            .Select(d => TabParser.Format([d]));
        await s.SendListAsync(lines);
        return true;
    }

    public static async ValueTask<bool> AliasDomainAdd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        // The alias must be neither a real domain nor an existing alias (aliases of aliases are not allowed).
        if (a.IsLocalDomain(t[2])) return await Reply(s, ErrorCode.AdomainExist);
        var code = a.AddAliasDomain(t[1], t[2]);
        return await Reply(s, code == ErrorCode.DomainAlreadyHandled ? ErrorCode.AdomainExist : code);
    }

    public static async ValueTask<bool> AliasDomainDel(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Accounts.DeleteAliasDomain(t[1].ToLowerInvariant()));

    /// <summary>aliasdomainlist [real-domain-match [alias-domain-match]]: lines "real-domain" "alias-domain".</summary>
    public static async ValueTask<bool> AliasDomainList(CtrlSession s, string[] t)
    {
        var lines = s.Services.Accounts.AliasDomains.All
            .Where(r => (t.Length < 2 || Wildcard.IsMatch(t[1], r.RealDomain)) && (t.Length < 3 || Wildcard.IsMatch(t[2], r.AliasDomain)))
            .Select(r => TabParser.Format([r.RealDomain, r.AliasDomain]));
        await s.SendListAsync(lines);
        return true;
    }
}
