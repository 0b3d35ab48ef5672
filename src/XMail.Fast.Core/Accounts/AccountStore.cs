using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// Domains, users, aliases, alias domains, external aliases and mailing lists of one MailRoot.
/// Reads are lock-free snapshots that follow the files on disk (hand edits included); writes are
/// serialized, rewrite the table atomically and refresh the snapshot at once.
/// </summary>
public sealed partial class AccountStore
{
    private readonly MailRoot _root;
    private readonly ILogger? _log;
    private readonly object _write = new();
    private readonly TabSource<DomainSet> _domains;
    private readonly TabSource<UserTable> _users;
    private readonly TabSource<AliasTable> _aliases;
    private readonly TabSource<AliasDomainTable> _aliasDomains;
    private readonly TabSource<ExtAliasTable> _extAliases;

    public AccountStore(MailRoot root, bool useMaildir = true, TimeProvider? time = null, ILogger? log = null)
    {
        _root = root;
        _log = log;
        UseMaildir = useMaildir;
        // Hot tables go through memory-mapped hash indexes in MailRoot/tabindex (in memory if it is not writable).
        var index = new TabIndexFolder(root.TabIndexDir, log);
        _domains = new(root.DomainsTab, p => DomainSet.Load(p, index), time, log);
        _users = new(root.MailUsersTab, p => UserTable.Load(p, index), time, log);
        _aliases = new(root.AliasesTab, p => AliasTable.Load(p, index), time, log);
        _aliasDomains = new(root.AliasDomainTab, p => AliasDomainTable.Load(p, index), time, log);
        _extAliases = new(root.ExtAliasesTab, p => ExtAliasTable.Load(p, index), time, log);
    }

    public MailRoot Root => _root;

    /// <summary>-MM (Maildir, default) or -Mm (mailbox) for new accounts.</summary>
    public bool UseMaildir { get; }

    public DomainSet Domains => _domains.Current;
    public UserTable Users => _users.Current;
    public AliasTable Aliases => _aliases.Current;
    public AliasDomainTable AliasDomains => _aliasDomains.Current;
    public ExtAliasTable ExtAliases => _extAliases.Current;

    public bool IsLocalDomain(ReadOnlySpan<char> domain) => Domains.Contains(domain);

    public UserRecord? FindUser(ReadOnlySpan<char> domain, ReadOnlySpan<char> name) => Users.Find(domain, name);

    public string UserDirectory(UserRecord user) => _root.UserDir(user.Domain, user.Dir);

    public string UserTabPath(UserRecord user) => Path.Combine(UserDirectory(user), "user.tab");

    public UserVars GetUserVars(UserRecord user) => UserVars.Load(UserTabPath(user), _log);

    /// <summary>The account's user.tab variables, shared and read-only (see <see cref="UserVarsCache"/>): for the mail paths.</summary>
    public UserVars CachedUserVars(UserRecord user) => UserVarsCache.Get(user);

    private UserVarsCache UserVarsCache => _userVarsCache ??= new UserVarsCache(this);
    private UserVarsCache? _userVarsCache;

    /// <summary>Checks a clear-text password against mailusers.tab (constant time).</summary>
    public ErrorCode Authenticate(string domain, string name, string password)
    {
        if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
        var user = FindUser(domain, name);
        if (user is null) return ErrorCode.UserNotFound;
        return Md5Hex.DigestEquals(XMCrypt.Encode(password), user.EncodedPassword) ? ErrorCode.Success : ErrorCode.InvalidPassword;
    }

    /// <summary>Serializes other writers to MailRoot tables (pop3links, mailproc, custdomains) with this store's writes.</summary>
    public T WithWriteLock<T>(Func<T> action)
    {
        lock (_write) return action();
    }

    public void InvalidateAll()
    {
        _domains.Invalidate();
        _users.Invalidate();
        _aliases.Invalidate();
        _aliasDomains.Invalidate();
        _extAliases.Invalidate();
        _userVarsCache?.Clear();
    }

    private static bool Eq(string a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);

    private void Append(string path, TabLine line) => TabAppender.AppendLine(path, line.Raw, _log);

    /// <summary>Keeps comments and malformed lines; drops records the predicate rejects.</summary>
    public static void RewriteRecords(string path, Func<string[], bool> keep)
    {
        if (!File.Exists(path)) return;
        var lines = TabFile.Read(path);
        var kept = lines.Where(l => l.Fields is null || keep(l.Fields)).ToList();
        if (kept.Count != lines.Count) TabFile.Write(path, kept);
    }

    private static void RewriteLines(string path, Func<TabLine, TabLine> map) =>
        TabFile.Write(path, TabFile.Read(path).Select(map).ToList());

    private void DeleteTree(string dir)
    {
        XMail.Fast.Core.Config.FileExistence.Clear();
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception ex)
        {
            _log?.LogError(ex, "unable to remove {Dir}", dir);
        }
    }

    /// <summary>
    /// After this process appended one record: install the previous snapshot plus that record (no reload), or, once
    /// the appended records reach a quarter of the indexed ones (at least 4096), let the next read rebuild the index.
    /// Rebuild cost stays proportional to the adds since the last one, so an add costs the same at any table size.
    /// </summary>
    private static void Publish<T>(TabSource<T> source, T current, int appendedCount, long indexedCount, Func<T> withAppended, TabAppendResult appended) where T : class
    {
        if (appendedCount + 1 >= Math.Max(MinOverlayBeforeRebuild, indexedCount / 4)) source.Invalidate();
        else source.Publish(withAppended(), (appended.LengthBefore, appended.MtimeBefore), (appended.LengthAfter, appended.MtimeAfter));
    }

    private const int MinOverlayBeforeRebuild = 4096;
}
