using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>extaliases.tab.</summary>
public sealed partial class AccountStore
{
    public ErrorCode AddExtAlias(string localAddress, string remoteAddress)
    {
        if (!EmailAddress.TrySplit(localAddress.ToLowerInvariant(), out var lu, out var ld) ||
            !EmailAddress.TrySplit(remoteAddress.ToLowerInvariant(), out var ru, out var rd) ||
            !TabParser.IsStorable(localAddress) || !TabParser.IsStorable(remoteAddress)) return ErrorCode.BadEmailAddr;
        lock (_write)
        {
            if (ExtAliases.Find(rd, ru) is not null) return ErrorCode.ExtaliasExist;
            Append(_root.ExtAliasesTab, TabLine.FromFields(rd, ru, ld, lu));
            _extAliases.Invalidate();
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteExtAlias(string remoteAddress)
    {
        if (!EmailAddress.TrySplit(remoteAddress, out var ru, out var rd)) return ErrorCode.BadEmailAddr;
        lock (_write)
        {
            if (ExtAliases.Find(rd, ru) is null) return ErrorCode.ExtaliasNotFound;
            RewriteRecords(_root.ExtAliasesTab, f => !(Eq(f[0], rd) && Eq(f[1], ru)));
            _extAliases.Invalidate();
        }
        return ErrorCode.Success;
    }
}
