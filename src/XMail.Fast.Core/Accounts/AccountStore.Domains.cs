using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>domains.tab: adding a domain (its folders too) and deleting one with everything that belongs to it.</summary>
public sealed partial class AccountStore
{
    public ErrorCode AddDomain(string domain)
    {
        domain = domain.ToLowerInvariant();
        if (!MailRoot.IsSafeName(domain) || !IsDomainName(domain)) return ErrorCode.InvalidMailDomain;
        lock (_write)
        {
            if (IsLocalDomain(domain)) return ErrorCode.DomainAlreadyHandled;
            Append(_root.DomainsTab, TabLine.FromFields(domain));
            Directory.CreateDirectory(_root.DomainDir(domain));
            Directory.CreateDirectory(Path.Combine(_root.CmdAliasesDir, domain));
            _domains.Invalidate();
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteDomain(string domain)
    {
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            RewriteRecords(_root.MailUsersTab, f => !Eq(f[0], domain));
            RewriteRecords(_root.AliasesTab, f => !Eq(f[0], domain));
            RewriteRecords(_root.ExtAliasesTab, f => f.Length < 3 || !Eq(f[2], domain));
            RewriteRecords(_root.Pop3LinksTab, f => !Eq(f[0], domain));
            RewriteRecords(_root.DomainsTab, f => !Eq(f[0], domain));
            DeleteTree(_root.DomainDir(domain));
            DeleteTree(Path.Combine(_root.CmdAliasesDir, domain.ToLowerInvariant()));
            InvalidateAll();
        }
        return ErrorCode.Success;
    }

    private static bool IsDomainName(string d) =>
        d.Length is > 0 and <= 253 && !d.StartsWith('.') && !d.EndsWith('.') && !d.Contains("..") &&
        d.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
