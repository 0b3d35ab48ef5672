using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Spool;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// Domains, users, aliases, alias domains, external aliases and mailing lists of one MailRoot.
/// Reads are lock-free snapshots that follow the files on disk (hand edits included); writes are
/// serialized, rewrite the table atomically and refresh the snapshot at once.
/// </summary>
public sealed class AccountStore
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

    // ---- domains ----

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

    // ---- users ----

    public ErrorCode AddUser(string domain, string name, string password, char type)
    {
        domain = domain.ToLowerInvariant();
        name = name.ToLowerInvariant();
        type = char.ToUpperInvariant(type);
        if (type is not ('U' or 'M')) return ErrorCode.BadCtrlCommand;
        if (!MailRoot.IsSafeName(name) || !IsLocalPart(name)) return ErrorCode.BadEmailAddr;
        if (!TabParser.IsStorable(password)) return ErrorCode.InvalidPassword;
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            var users = Users;
            if (users.Find(domain, name) is not null) return ErrorCode.UserExist;
            if (Aliases.FindExact(domain, name) is not null) return ErrorCode.AliasExist;
            int id = users.MaxId + 1;
            var user = new UserRecord(domain, name, XMCrypt.Encode(password), id, name, type);
            var dir = CreateUserFolder(user);
            TabAppendResult appended;
            if (FileSync.SameFileSystem(dir, _root.Path))
            {
                // One syncfs makes the folder and the record durable together (one disk flush per add, not two).
                // A crash can then leave the record without its folder; only the last record can be in that state
                // (adds are serialized and each ends with the flush), and CompleteLastUserAdd repairs it at start.
                appended = TabAppender.AppendLine(_root.MailUsersTab, FormatUser(user).Raw, _log, flushToDisk: false);
                FileSync.SyncFileSystem(_root.Path);
            }
            else
            {
                // Folder durable first, then the record: until the record is durable the folder is an unused directory.
                MakeFolderDurable(dir);
                appended = TabAppender.AppendLine(_root.MailUsersTab, FormatUser(user).Raw, _log);
            }
            Publish(_users, users, users.AppendedCount, users.IndexedCount, () => users.WithAppended(user), appended);
        }
        return ErrorCode.Success;
    }

    /// <summary>
    /// After a crash in the middle of a useradd, the last record of mailusers.tab may be durable while its folder is
    /// not (see AddUser): gives that account its folder, user.tab from userdef.tab, and Maildir or mailbox.
    /// Called once at start; costs one read of the file's end and a stat.
    /// </summary>
    public void CompleteLastUserAdd()
    {
        if (LastRecord(_root.MailUsersTab) is not { } line) return;
        if (UserTable.ParseRecord(line, _root.MailUsersTab, null) is not { } user || !MailRoot.IsSafeName(user.Dir)) return;
        if (!IsLocalDomain(user.Domain) || File.Exists(UserTabPath(user))) return;
        _log?.LogWarning("mailusers.tab: the last account {Address} has no user.tab (useradd cut short by a crash?); its folder is created now", user.Address);
        try
        {
            lock (_write) MakeFolderDurable(CreateUserFolder(user));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log?.LogError("unable to create the folder of {Address}: {Error}", user.Address, ex.Message);
        }
    }

    /// <summary>The last complete record line of a TAB file (read from its last 4 KB), or null.</summary>
    private static TabLine? LastRecord(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var tail = new byte[(int)Math.Min(4096, fs.Length)];
            fs.Position = fs.Length - tail.Length;
            fs.ReadExactly(tail);
            var lines = TabFile.Bytes.GetString(tail).TrimEnd('\n', '\r').Split('\n');
            // A tail that does not start at the file's start may begin in the middle of a line: never parse that one.
            foreach (var raw in lines.Skip(fs.Length > tail.Length ? 1 : 0).Reverse())
            {
                var l = raw.TrimEnd('\r');
                if (TabParser.Parse(l, out var fields, out _) == TabParser.LineKind.Record && fields is { Length: >= 6 }) return new TabLine(0, l, fields);
                if (l.Length > 0 && l[0] != '#') return null; // the last line is not a record: nothing to complete
            }
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>
    /// The account folder with user.tab (from userdef.tab) and its Maildir or mailbox. user.tab is written in place
    /// (a new file in a new folder has no old version to protect). Not yet durable: see <see cref="MakeFolderDurable"/>.
    /// </summary>
    private string CreateUserFolder(UserRecord user)
    {
        var dir = UserDirectory(user);
        Directory.CreateDirectory(dir);
        string store;
        if (UseMaildir)
        {
            store = Path.Combine(dir, "Maildir");
            Directory.CreateDirectory(store); // first: making Maildir/tmp directly costs a failed mkdir before it
            foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(store, sub));
        }
        else Directory.CreateDirectory(store = Path.Combine(dir, "mailbox"));
        if (user.IsMailingList && !File.Exists(Path.Combine(dir, "mlusers.tab"))) File.WriteAllBytes(Path.Combine(dir, "mlusers.tab"), []);
        var vars = TabFile.Bytes.GetBytes(string.Concat(DefaultUserVars(user.Domain).All.Select(kv => TabLine.FromFields(kv.Key, kv.Value).Raw + "\n")));
        using (var fs = new FileStream(Path.Combine(dir, "user.tab"), FileMode.Create, FileAccess.Write, FileShare.Read, 1))
            fs.Write(vars);
        UserVarsCache.Forget(user);
        return dir;
    }

    /// <summary>
    /// One syncfs makes user.tab and the new folder entries durable with one disk flush (four fsyncs in a row cost a
    /// flush each); elsewhere an fsync of the file and of each folder.
    /// </summary>
    private void MakeFolderDurable(string dir)
    {
        if (FileSync.CanSyncFileSystem)
        {
            FileSync.SyncFileSystem(dir);
            return;
        }
        FileSync.SyncFile(Path.Combine(dir, "user.tab"));
        if (UseMaildir) FileSync.SyncDirectory(Path.Combine(dir, "Maildir"));
        else FileSync.SyncDirectory(Path.Combine(dir, "mailbox"));
        FileSync.SyncDirectory(dir);
        FileSync.SyncDirectory(Path.GetDirectoryName(dir)!);
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

    public ErrorCode DeleteUser(string domain, string name)
    {
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            var user = FindUser(domain, name);
            if (user is null) return ErrorCode.UserNotFound;
            RewriteRecords(_root.MailUsersTab, f => !(Eq(f[0], user.Domain) && Eq(f[1], user.Name)));
            // Aliases that pointed at the account would dangle: XMail drops them with the user.
            RewriteRecords(_root.AliasesTab, f => !(Eq(f[0], user.Domain) && (Eq(f[2], user.Name) || Eq(f[2], user.Address))));
            RewriteRecords(_root.ExtAliasesTab, f => !(f.Length >= 4 && Eq(f[2], user.Domain) && Eq(f[3], user.Name)));
            RewriteRecords(_root.Pop3LinksTab, f => !(f.Length >= 2 && Eq(f[0], user.Domain) && Eq(f[1], user.Name)));
            DeleteTree(UserDirectory(user));
            InvalidateAll();
        }
        return ErrorCode.Success;
    }

    public ErrorCode SetPassword(string domain, string name, string password)
    {
        if (!TabParser.IsStorable(password)) return ErrorCode.InvalidPassword;
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            var user = FindUser(domain, name);
            if (user is null) return ErrorCode.UserNotFound;
            var updated = user with { EncodedPassword = XMCrypt.Encode(password) };
            RewriteLines(_root.MailUsersTab, line =>
                line.Fields is { Length: >= 6 } f && Eq(f[0], user.Domain) && Eq(f[1], user.Name) ? FormatUser(updated) : line);
            _users.Invalidate();
        }
        return ErrorCode.Success;
    }

    public ErrorCode SetUserVars(string domain, string name, IReadOnlyList<(string Name, string Value)> assignments)
    {
        lock (_write)
        {
            if (!IsLocalDomain(domain)) return ErrorCode.DomainNotHandled;
            var user = FindUser(domain, name);
            if (user is null) return ErrorCode.RecordNotFound;
            var vars = GetUserVars(user);
            foreach (var (n, v) in assignments)
            {
                if (!TabParser.IsStorable(n) || !TabParser.IsStorable(v)) return ErrorCode.BadCtrlCommand;
                if (v == ".|rm") vars.Remove(n);
                else vars.Set(n, v);
            }
            vars.Save(UserTabPath(user));
            UserVarsCache.Forget(user);
        }
        return ErrorCode.Success;
    }

    /// <summary>userdef.tab of the domain, else of MailRoot.</summary>
    public UserVars DefaultUserVars(string domain)
    {
        var domainDef = Path.Combine(_root.DomainDir(domain), "userdef.tab");
        return UserVars.Load(File.Exists(domainDef) ? domainDef : _root.UserDefTab, _log);
    }

    // ---- aliases ----

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

    // ---- alias domains ----

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

    // ---- external aliases ----

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

    // ---- mailing lists ----

    public string MailingListPath(UserRecord list) => Path.Combine(UserDirectory(list), "mlusers.tab");

    public List<MailingListMember> GetMailingListMembers(UserRecord list) =>
        TabFile.Records(MailingListPath(list), 1, _log)
            .Select(l => new MailingListMember(l.Fields![0], l.Fields.Length > 1 ? l.Fields[1] : "RW")).ToList();

    public ErrorCode AddMailingListMember(string domain, string listName, string address, string perms)
    {
        if (!TabParser.IsStorable(address) || !TabParser.IsStorable(perms) || address.Length == 0) return ErrorCode.BadCtrlCommand;
        lock (_write)
        {
            var list = FindUser(domain, listName);
            if (list is null) return ErrorCode.UserNotFound;
            if (!list.IsMailingList) return ErrorCode.UserNotMailinglist;
            if (GetMailingListMembers(list).Any(m => Eq(m.Address, address))) return ErrorCode.MluserAlreadyExist;
            Append(MailingListPath(list), TabLine.FromFields(address, perms));
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteMailingListMember(string domain, string listName, string address)
    {
        lock (_write)
        {
            var list = FindUser(domain, listName);
            if (list is null) return ErrorCode.UserNotFound;
            if (!list.IsMailingList) return ErrorCode.UserNotMailinglist;
            if (!GetMailingListMembers(list).Any(m => Eq(m.Address, address))) return ErrorCode.MluserNotFound;
            RewriteRecords(MailingListPath(list), f => !Eq(f[0], address));
        }
        return ErrorCode.Success;
    }

    // ---- helpers ----

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

    private static TabLine FormatUser(UserRecord u) =>
        TabLine.FromFields([u.Domain, u.Name, u.EncodedPassword, u.Id.ToString(), u.Dir, u.Type.ToString()], [3]);

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

    private static bool IsDomainName(string d) =>
        d.Length is > 0 and <= 253 && !d.StartsWith('.') && !d.EndsWith('.') && !d.Contains("..") &&
        d.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    private static bool IsLocalPart(string n) =>
        n.All(c => c > ' ' && c != 0x7F && c is not ('@' or '"' or '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '[' or ']'));
}
