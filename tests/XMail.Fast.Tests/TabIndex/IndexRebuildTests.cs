using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tests.TabIndex;

using XMail.Fast.Core.Tab.Index;

/// <summary>
/// MailRoot/tabindex follows the TAB files: rebuilt when they change (hand edits included), reused when
/// they do not, replaced atomically, and never a reason to crash.
/// </summary>
public class IndexRebuildTests
{
    private static string User(string d, string n, int id) => $"\"{d}\"\t\"{n}\"\t\"pw\"\t{id}\t\"{n}\"\t\"U\"\n";

    private static (TempRoot Root, AccountStore Store) NewStore(TestLog? log = null)
    {
        var root = new TempRoot();
        var mr = new MailRoot(root.Path);
        mr.EnsureLayout();
        var store = new AccountStore(mr, log: log);
        Assert.Equal(ErrorCode.Success, store.AddDomain("example.com"));
        Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "alice", "secret", 'U'));
        return (root, store);
    }

    [Fact]
    public void Account_store_lookups_go_through_the_mapped_index()
    {
        var (root, first) = NewStore();
        using var _ = root;
        // A useradd extends the running snapshot instead of rebuilding; a (re)started store indexes the file as it is.
        var store = new AccountStore(first.Root);
        Assert.NotNull(store.FindUser("Example.COM", "ALICE"));
        Assert.Equal(ErrorCode.Success, store.Authenticate("example.com", "alice", "secret"));
        var hidx = Path.Combine(root.IndexDir, "mailusers.hidx");
        Assert.True(File.Exists(hidx));
        Assert.True(TabIndexHeader.TryRead(File.ReadAllBytes(hidx), new FileInfo(hidx).Length, out var h));
        Assert.Equal(new FileInfo(store.Root.MailUsersTab).Length, h.TabLength);
        Assert.True(File.Exists(Path.Combine(root.IndexDir, "domains.hidx")));
    }

    [Fact]
    public void Hand_edits_while_running_are_picked_up()
    {
        var (root, store) = NewStore();
        using var _ = root;
        Assert.Null(store.FindUser("example.com", "bob"));
        // In place, the way an editor or `>>` does it (not a rename).
        File.AppendAllText(store.Root.MailUsersTab, User("example.com", "bob", 7), TabFile.Bytes);
        Assert.True(TempRoot.Eventually(() => store.FindUser("example.com", "bob") is not null));
        Assert.Equal(7, store.Users.MaxId);

        File.WriteAllText(store.Root.MailUsersTab, User("example.com", "carol", 3), TabFile.Bytes);
        Assert.True(TempRoot.Eventually(() => store.FindUser("example.com", "bob") is null));
        Assert.NotNull(store.FindUser("example.com", "carol"));
        Assert.Null(store.FindUser("example.com", "alice"));

        File.AppendAllText(store.Root.DomainsTab, "\"hand.org\"\n", TabFile.Bytes);
        Assert.True(TempRoot.Eventually(() => store.IsLocalDomain("HAND.org")));
    }

    [Fact]
    public void Writes_through_the_store_are_visible_at_once()
    {
        var (root, store) = NewStore();
        using var _ = root;
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "u" + i, "p", 'U'));
            Assert.NotNull(store.FindUser("example.com", "u" + i));
            // Same length rewrite within the same mtime granule: must still be seen.
            Assert.Equal(ErrorCode.Success, store.SetPassword("example.com", "u" + i, "q"));
            Assert.Equal(ErrorCode.Success, store.Authenticate("example.com", "u" + i, "q"));
        }
        Assert.Equal(ErrorCode.Success, store.AddAlias("example.com", "info", "u1"));
        Assert.Equal("u1", store.Aliases.Find("example.com", "INFO")?.Account);
        Assert.Equal(ErrorCode.AliasExist, store.AddAlias("example.com", "info", "u2"));
        Assert.Equal(ErrorCode.Success, store.DeleteAlias("example.com", "info"));
        Assert.Null(store.Aliases.Find("example.com", "info"));
        Assert.Equal(ErrorCode.Success, store.AddAliasDomain("example.com", "alias.net"));
        Assert.Equal("example.com", store.AliasDomains.Resolve("ALIAS.net"));
        Assert.Equal(ErrorCode.AdomainExist, store.AddAliasDomain("example.com", "alias.net"));
        Assert.Equal(ErrorCode.Success, store.AddExtAlias("u1@example.com", "Bob@Ext.org"));
        Assert.Equal("u1", store.ExtAliases.Find("ext.org", "bob")?.LocalName);
        Assert.Equal(ErrorCode.Success, store.DeleteUser("example.com", "u3"));
        Assert.Null(store.FindUser("example.com", "u3"));
        Assert.Equal(20, store.Users.Users.Count); // alice + u0..u19 - u3
    }

    [Fact]
    public void Unchanged_tab_file_reuses_its_index_and_a_changed_one_is_rebuilt()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, User("d", "aaaa", 1), TabFile.Bytes);
        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(path, old);
        var folder = new TabIndexFolder(root.IndexDir);
        var first = folder.Open(path, UserTable.Schema);
        var again = new TabIndexFolder(root.IndexDir).Open(path, UserTable.Schema);
        Assert.Equal(first.Header.Seed, again.Header.Seed); // same file, not rebuilt
        Assert.True(again.IsMapped);

        // Same length, new content, new mtime: rebuilt.
        File.WriteAllText(path, User("d", "bbbb", 1), TabFile.Bytes);
        File.SetLastWriteTimeUtc(path, old.AddMinutes(1));
        var rebuilt = folder.Open(path, UserTable.Schema);
        Assert.NotEqual(first.Header.Seed, rebuilt.Header.Seed);
        Assert.True(rebuilt.Find("d", "bbbb", out _) >= 0);
        Assert.True(rebuilt.Find("d", "aaaa", out _) < 0);
    }

    [Fact]
    public void Same_length_rewrite_within_one_mtime_granule_is_not_mistaken_for_unchanged()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, User("d", "aaaa", 1), TabFile.Bytes);
        var mtime = File.GetLastWriteTimeUtc(path);
        var folder = new TabIndexFolder(root.IndexDir);
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "aaaa", out _) >= 0);
        File.WriteAllText(path, User("d", "bbbb", 1), TabFile.Bytes);
        File.SetLastWriteTimeUtc(path, mtime); // indistinguishable by length and mtime
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "bbbb", out _) >= 0);
    }

    [Fact]
    public void Corrupt_or_foreign_index_files_are_rebuilt()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, User("d", "u", 1), TabFile.Bytes);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        var folder = new TabIndexFolder(root.IndexDir);
        var good = folder.Open(path, UserTable.Schema);
        var hidx = good.IndexPath!;
        var bytes = File.ReadAllBytes(hidx);

        File.WriteAllBytes(hidx, bytes[..(bytes.Length - 8)]); // truncated
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "u", out _) >= 0);
        File.WriteAllBytes(hidx, new byte[bytes.Length]); // zeros
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "u", out _) >= 0);
        File.WriteAllBytes(hidx, [1, 2, 3]);
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "u", out _) >= 0);
        // An index of another table under this name (other key layout) is not used.
        var domains = root.File("domains.tab");
        File.WriteAllText(domains, "\"d\"\n", TabFile.Bytes);
        File.WriteAllBytes(hidx, File.ReadAllBytes(new TabIndexFolder(Path.Combine(root.Path, "other")).Open(domains, DomainSet.Schema).IndexPath!));
        Assert.True(folder.Open(path, UserTable.Schema).Find("d", "u", out _) >= 0);
    }

    [Fact]
    public void An_old_index_stays_readable_after_it_was_replaced()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, User("d", "old", 1), TabFile.Bytes);
        var folder = new TabIndexFolder(root.IndexDir);
        var before = new IndexedTab<UserRecord>(folder.Open(path, UserTable.Schema), static (in f) => new UserRecord(f.GetString(0), f.GetString(1), "", 1, "", 'U'));
        AtomicFile.WriteAllText(path, User("d", "new", 1) + User("d", "new2", 2));
        var after = UserTable.Load(path, folder);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal("old", before.FindExact("d", "old")?.Name);
        Assert.Null(before.FindExact("d", "new"));
        Assert.Equal("new2", after.Find("d", "new2")?.Name);
        Assert.Null(after.Find("d", "old"));
    }

    [Fact]
    public void Readers_never_see_a_partial_index_while_it_is_rebuilt()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        var big = string.Concat(Enumerable.Range(1, 3000).Select(i => User("d", "user" + i, i)));
        File.WriteAllText(path, big, TabFile.Bytes);
        var folder = new TabIndexFolder(root.IndexDir);
        var hidx = folder.Open(path, UserTable.Schema).IndexPath!;

        using var stop = new CancellationTokenSource();
        int rebuilds = 0;
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 40; i++)
            {
                AtomicFile.WriteAllText(path, big + User("d", "extra" + i, 5000 + i));
                var idx = folder.Open(path, UserTable.Schema);
                Assert.True(idx.Find("d", "extra" + i, out _) >= 0);
                rebuilds++;
            }
            stop.Cancel();
        });
        int reads = 0;
        while (!stop.IsCancellationRequested)
        {
            using var fs = new FileStream(hidx, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[fs.Length];
            fs.ReadExactly(bytes);
            Assert.True(TabIndexHeader.TryRead(bytes, bytes.Length, out var h), "partial or torn index read");
            Assert.True(h.RecordCount >= 3000);
            reads++;
        }
        writer.GetAwaiter().GetResult();
        Assert.Equal(40, rebuilds);
        Assert.True(reads > 0);
        Assert.Empty(Directory.GetFiles(root.IndexDir, "*.tmp"));
    }

    [Fact]
    public void Concurrent_lookups_during_account_writes_never_miss_a_stable_user()
    {
        var (root, store) = NewStore();
        using var _ = root;
        using var stop = new CancellationTokenSource();
        long lookups = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.NotNull(store.FindUser("example.com", "alice"));
                Assert.Null(store.FindUser("example.com", "nobody"));
                Interlocked.Increment(ref lookups);
            }
        })).ToArray();
        Assert.True(TempRoot.Eventually(() => Interlocked.Read(ref lookups) > 0));
        for (int i = 0; i < 30; i++) Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "w" + i, "p", 'U'));
        long during = Interlocked.Read(ref lookups);
        stop.Cancel();
        Task.WaitAll(readers);
        Assert.True(during > 30);
        Assert.NotNull(store.FindUser("example.com", "w29"));
    }

    [Fact]
    public void Unwritable_tabindex_falls_back_to_memory_and_says_so_once()
    {
        var root = new TempRoot();
        using var _ = root;
        Directory.Delete(root.IndexDir);
        File.WriteAllText(root.IndexDir, "not a folder"); // CreateDirectory/CreateNew fail even as root
        var log = new TestLog();
        var folder = new TabIndexFolder(root.IndexDir, log);
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, User("d", "u", 1), TabFile.Bytes);
        var users = UserTable.Load(path, folder);
        File.WriteAllText(root.File("domains.tab"), "\"d\"\n", TabFile.Bytes);
        var domains = DomainSet.Load(root.File("domains.tab"), folder);
        Assert.NotNull(users.Find("D", "U"));
        Assert.True(domains.Contains("d"));
        Assert.True(folder.MemoryOnly);
        Assert.Single(log.Lines, l => l.Contains("not writable"));
    }

    [Fact]
    public void A_200k_user_table_is_indexed_and_answers()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        using (var w = new StreamWriter(path, false, TabFile.Bytes))
            for (int i = 1; i <= 200_000; i++) w.Write(User("dom" + (i % 50) + ".com", "user" + i, i));
        var users = UserTable.Load(path, new TabIndexFolder(root.IndexDir));
        Assert.Equal(200_000, users.MaxId);
        for (int i = 1; i <= 200_000; i += 997)
            Assert.Equal(i, users.Find("DOM" + (i % 50) + ".com", "user" + i)?.Id);
        Assert.Null(users.Find("dom1.com", "user2"));
        Assert.Null(users.Find("dom1.com", "user200001"));
    }
}
