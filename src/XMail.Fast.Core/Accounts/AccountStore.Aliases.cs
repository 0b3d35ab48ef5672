using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>aliases.tab.</summary>
public sealed partial class AccountStore
{
    public ErrorCode AddAlias(string domain, string alias, string account)
    {
        domain = domain.ToLowerInvariant();
        alias = alias.ToLowerInvariant();
        if (!TabParser.IsStorable(alias) || !TabParser.IsStorable(account) || alias.Length == 0 || account.Length == 0) return ErrorCode.BadCtrlCommand;
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            if (Aliases.FindExact(domain, alias) is not null) return ErrorCode.AliasExist;
            if (FindUser(domain, alias) is not null) return ErrorCode.UserExist;
            var aliases = Aliases;
            var record = new AliasRecord(domain, alias, account);
            var appended = TabAppender.AppendLine(_root.AliasesTab, TabLine.FromFields(domain, alias, account).Raw, _log);
            if (Wildcard.HasWildcards(domain) || Wildcard.HasWildcards(alias)) _aliases.Invalidate();
            else Publish(_aliases, aliases, aliases.AppendedCount, aliases.IndexedCount, () => aliases.WithAppended(record), appended);
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteAlias(string domain, string alias)
    {
        lock (_write)
        {
            if (Aliases.FindExact(domain, alias) is null) return ErrorCode.AliasNotFound;
            RewriteRecords(_root.AliasesTab, f => !(Eq(f[0], domain) && Eq(f[1], alias)));
            _aliases.Invalidate();
        }
        return ErrorCode.Success;
    }
}
