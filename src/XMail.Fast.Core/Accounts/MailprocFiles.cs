using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// The user's and the domain's mailproc.tab ("MAILPROC.TAB"): domains/DOMAIN/mailproc.tab applies to every
/// account of the domain, domains/DOMAIN/ACCOUNT/mailproc.tab to one account. CTRL usergetmproc/usersetmproc.
/// </summary>
public sealed class MailprocFiles
{
    public const string FileName = "mailproc.tab";
    private readonly AccountStore _accounts;

    public MailprocFiles(AccountStore accounts) => _accounts = accounts;

    public string UserPath(UserRecord user) => Path.Combine(_accounts.UserDirectory(user), FileName);

    public string DomainPath(string domain) => Path.Combine(_accounts.Root.DomainDir(domain), FileName);

    /// <summary>The files that exist, domain first then user (the "DU" merge order of XMail), filtered by the flags.</summary>
    public List<string> Existing(UserRecord user, bool domain, bool userFile)
    {
        var list = new List<string>(2);
        if (domain && File.Exists(DomainPath(user.Domain))) list.Add(DomainPath(user.Domain));
        if (userFile && File.Exists(UserPath(user))) list.Add(UserPath(user));
        return list;
    }

    /// <summary>Replaces (atomically) or, for empty content, deletes the user or domain file.</summary>
    public void Set(UserRecord user, bool domainFile, ReadOnlySpan<byte> content)
    {
        var path = domainFile ? DomainPath(user.Domain) : UserPath(user);
        var bytes = content.ToArray();
        _accounts.WithWriteLock(() =>
        {
            if (bytes.Length == 0) File.Delete(path);
            else AtomicFile.WriteAllBytes(path, bytes);
            XMail.Fast.Core.Config.FileExistence.Changed(path);
            return true;
        });
    }
}
