using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>aliasdomain.tab.</summary>
public sealed partial class AccountStore
{
    public ErrorCode AddAliasDomain(string realDomain, string aliasDomain)
    {
        realDomain = realDomain.ToLowerInvariant();
        aliasDomain = aliasDomain.ToLowerInvariant();
        if (!TabParser.IsStorable(aliasDomain) || aliasDomain.Length == 0) return ErrorCode.BadCtrlCommand;
        lock (_write)
        {
            if (!IsLocalDomain(realDomain)) return ErrorCode.DomainNotHandled;
            if (IsLocalDomain(aliasDomain)) return ErrorCode.DomainAlreadyHandled;
            if (AliasDomains.All.Any(r => Eq(r.AliasDomain, aliasDomain))) return ErrorCode.AdomainExist;
            Append(_root.AliasDomainTab, TabLine.FromFields(aliasDomain, realDomain));
            _aliasDomains.Invalidate();
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteAliasDomain(string aliasDomain)
    {
        lock (_write)
        {
            if (!AliasDomains.All.Any(r => Eq(r.AliasDomain, aliasDomain))) return ErrorCode.AdomainNotFound;
            RewriteRecords(_root.AliasDomainTab, f => !Eq(f[0], aliasDomain));
            _aliasDomains.Invalidate();
        }
        return ErrorCode.Success;
    }
}
