using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Core.Routing;

/// <summary>
/// Resolves a recipient the way XMail does: alias domain → local domain? → user → alias (wildcards, chained up to
/// a few hops) → cmdaliases/DOMAIN/USER.tab; a non-local domain → custdomains lookup (sub1.sub2.dom.tab,
/// .sub2.dom.tab, ..., .tab); else remote. Used by SMTP at RCPT time and by the delivery engine.
/// </summary>
public sealed class LocalResolver
{
    private const int MaxAliasHops = 8;
    private readonly AccountStore _accounts;
    private readonly MailRoot _root;

    public LocalResolver(AccountStore accounts)
    {
        _accounts = accounts;
        _root = accounts.Root;
    }

    public LocalRecipient Resolve(string address)
    {
        if (!EmailAddress.TrySplit(address, out var user, out var domain))
            return new LocalRecipient(RecipientKind.UnknownUser, address, address);

        for (int hop = 0; hop < MaxAliasHops; hop++)
        {
            if (_accounts.AliasDomains.Resolve(domain) is { } real && !_accounts.IsLocalDomain(domain)) domain = real;
            if (!_accounts.IsLocalDomain(domain))
            {
                if (hop == 0 && FindCustomDomainFile(domain) is { } cust)
                    return new LocalRecipient(RecipientKind.CustomDomain, address, user + "@" + domain, null, cust);
                // An alias that points outside: treat the target as remote (XMail aliases are meant to be local).
                return new LocalRecipient(RecipientKind.Remote, address, user + "@" + domain);
            }

            if (_accounts.FindUser(domain, user) is { } u)
                return new LocalRecipient(u.IsMailingList ? RecipientKind.MailingList : RecipientKind.User, address, u.Address, u);

            if (_accounts.Aliases.Find(domain, user) is { } alias)
            {
                var target = alias.Account;
                if (EmailAddress.TrySplit(target, out var tu, out var td)) { user = tu; domain = td; }
                else user = target;
                continue;
            }

            if (FindCmdAlias(domain, user) is { } cmd)
                return new LocalRecipient(RecipientKind.CmdAlias, address, user + "@" + domain, null, cmd);

            return new LocalRecipient(RecipientKind.UnknownUser, address, user + "@" + domain);
        }
        return new LocalRecipient(RecipientKind.UnknownUser, address, address);
    }

    /// <summary>
    /// "MAILPROC.TAB": the user's own mailproc.tab, else the domain's, else null (default: store in the mailbox).
    /// </summary>
    public string? FindMailProc(UserRecord user)
    {
        var userFile = Path.Combine(_accounts.UserDirectory(user), "mailproc.tab");
        if (FileExistence.Exists(userFile)) return userFile;
        var domainFile = Path.Combine(_root.DomainDir(user.Domain), "mailproc.tab");
        return FileExistence.Exists(domainFile) ? domainFile : null;
    }

    /// <summary>
    /// "EXTALIASES.TAB": the Return-Path used for local delivery. An external sender address listed there is
    /// replaced by its local account, so replies stay internal; any other sender is returned unchanged.
    /// </summary>
    public string MapReturnPath(string sender)
    {
        if (sender.Length == 0 || !EmailAddress.TrySplit(sender, out var user, out var domain)) return sender;
        return _accounts.ExtAliases.Find(domain, user) is { } ext ? ext.LocalName + "@" + ext.LocalDomain : sender;
    }

    /// <summary>cmdaliases/DOMAIN/USER.tab (lower case), if present and the names are safe path components.</summary>
    public string? FindCmdAlias(string domain, string user)
    {
        if (!MailRoot.IsSafeName(domain) || !MailRoot.IsSafeName(user)) return null;
        var path = Path.Combine(_root.CmdAliasesDir, domain.ToLowerInvariant(), user.ToLowerInvariant() + ".tab");
        return FileExistence.Exists(path) ? path : null;
    }

    /// <summary>"CUSTOM DOMAIN MAIL PROCESSING": sub1.sub2.domain.net.tab, .sub2.domain.net.tab, .domain.net.tab, .net.tab, .tab.</summary>
    public string? FindCustomDomainFile(string domain)
    {
        domain = domain.ToLowerInvariant();
        if (!MailRoot.IsSafeName(domain)) return null;
        var dir = _root.CustDomainsDir;
        var exact = Path.Combine(dir, domain + ".tab");
        if (FileExistence.Exists(exact)) return exact;
        int dot = domain.IndexOf('.');
        while (dot >= 0)
        {
            var candidate = Path.Combine(dir, domain[dot..] + ".tab");
            if (FileExistence.Exists(candidate)) return candidate;
            dot = domain.IndexOf('.', dot + 1);
        }
        var any = Path.Combine(dir, ".tab");
        return FileExistence.Exists(any) ? any : null;
    }
}
