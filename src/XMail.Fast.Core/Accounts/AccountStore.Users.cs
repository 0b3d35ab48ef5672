using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Spool;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>mailusers.tab and the account folders: useradd (one disk flush), its crash repair at start, userdel, passwords and user.tab variables.</summary>
public sealed partial class AccountStore
{
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

    private static TabLine FormatUser(UserRecord u) =>
        TabLine.FromFields([u.Domain, u.Name, u.EncodedPassword, u.Id.ToString(), u.Dir, u.Type.ToString()], [3]);

    private static bool IsLocalPart(string n) =>
        n.All(c => c > ' ' && c != 0x7F && c is not ('@' or '"' or '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '[' or ']'));
}
