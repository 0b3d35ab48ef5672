using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tests.TabIndex;

/// <summary>
/// useradd/aliasadd append one line (no rewrite) and extend the current snapshot in place of a rebuild;
/// a torn last line left by a crash is skipped with a warning and never fuses with the next record;
/// a hand edit still triggers a rebuild.
/// </summary>
public class AppendPathTests
{
    private static (TempRoot Root, AccountStore Store, TestLog Log) NewStore()
    {
        var root = new TempRoot();
        var mr = new MailRoot(root.Path);
        mr.EnsureLayout();
        var log = new TestLog();
        var store = new AccountStore(mr, log: log);
        Assert.Equal(ErrorCode.Success, store.AddDomain("example.com"));
        return (root, store, log);
    }

    [Fact]
    public void Adds_append_lines_and_extend_the_snapshot_without_a_rebuild()
    {
        var (root, store, _) = NewStore();
        using var _r = root;
        Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "first", "pw", 'U'));
        var indexed = store.Users.IndexedCount;
        for (int i = 0; i < 50; i++) Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "u" + i, "pw", 'U'));
        Assert.Equal(indexed, store.Users.IndexedCount); // still the same index: no rebuild for our own appends
        Assert.True(store.Users.AppendedCount >= 50);
        for (int i = 0; i < 50; i++) Assert.Equal("u" + i, store.FindUser("EXAMPLE.com", "U" + i)!.Name);
        Assert.Equal(ErrorCode.UserExist, store.AddUser("example.com", "u7", "pw", 'U'));
        Assert.Equal(51, store.Users.Users.Count);
        var ids = store.Users.Users.Select(u => u.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ErrorCode.Success, store.AddAlias("example.com", "al", "u3"));
        Assert.Equal(ErrorCode.AliasExist, store.AddAlias("example.com", "AL", "u3"));
        Assert.Equal("u3", store.Aliases.Find("example.com", "al")!.Account);
        Assert.Equal(ErrorCode.UserExist, store.AddAlias("example.com", "u9", "u3"));
        Assert.Equal(ErrorCode.AliasExist, store.AddUser("example.com", "al", "pw", 'U'));
        // The file is what a fresh reader sees: every line well-formed, ids unique.
        var fresh = UserTable.Load(store.Root.MailUsersTab, (Microsoft.Extensions.Logging.ILogger?)null);
        Assert.Equal(51, fresh.Users.Count);
        Assert.True(File.Exists(Path.Combine(store.Root.UserDir("example.com", "u5"), "user.tab")));
        Assert.True(Directory.Exists(Path.Combine(store.Root.UserDir("example.com", "u5"), "Maildir", "new")));
    }

    [Fact]
    public void A_hand_edit_after_appends_is_still_picked_up()
    {
        var (root, store, _) = NewStore();
        using var _r = root;
        for (int i = 0; i < 5; i++) Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "u" + i, "pw", 'U'));
        // Someone else appends a line by hand (another tool, an editor): the change detector must see it.
        File.AppendAllText(store.Root.MailUsersTab, "\"example.com\"\t\"byhand\"\t\"pw\"\t999\t\"byhand\"\t\"U\"\n");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.FindUser("example.com", "byhand") is null && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.NotNull(store.FindUser("example.com", "byhand"));
        Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "after", "pw", 'U'));
        Assert.Equal(1000, store.FindUser("example.com", "after")!.Id);
        Assert.NotNull(store.FindUser("example.com", "u4"));
    }

    [Fact]
    public void A_torn_last_line_is_skipped_with_a_warning_and_the_next_add_starts_a_new_line()
    {
        var (root, store, log) = NewStore();
        using var _r = root;
        Assert.Equal(ErrorCode.Success, store.AddUser("example.com", "before", "pw", 'U'));
        // A crash in the middle of an append: the record is cut, no line end.
        File.AppendAllText(store.Root.MailUsersTab, "\"example.com\"\t\"torn\"\t\"1d08");
        var reread = new AccountStore(store.Root, log: log);
        Assert.Null(reread.FindUser("example.com", "torn"));
        Assert.NotNull(reread.FindUser("example.com", "before"));
        Assert.Contains(log.Lines, l => l.Contains("mailusers.tab:") && l.Contains("skipped"));
        Assert.Equal(ErrorCode.Success, reread.AddUser("example.com", "next", "pw", 'U'));
        Assert.Contains(log.Lines, l => l.Contains("torn write"));
        var text = File.ReadAllText(store.Root.MailUsersTab);
        Assert.Contains("\"1d08\n\"example.com\"\t\"next\"", text);
        var fresh = new AccountStore(store.Root);
        Assert.NotNull(fresh.FindUser("example.com", "next"));
        Assert.NotNull(fresh.FindUser("example.com", "before"));
        Assert.Null(fresh.FindUser("example.com", "torn"));
        // A torn line cut right after a complete field list (only the LF lost) is a whole record and counts.
        File.AppendAllText(store.Root.MailUsersTab, "\"example.com\"\t\"nolf\"\t\"pw\"\t77\t\"nolf\"\t\"U\"");
        var again = new AccountStore(store.Root);
        Assert.NotNull(again.FindUser("example.com", "nolf"));
        Assert.Equal(ErrorCode.Success, again.AddUser("example.com", "last", "pw", 'U'));
        Assert.Equal(78, again.FindUser("example.com", "last")!.Id);
        Assert.NotNull(new AccountStore(store.Root).FindUser("example.com", "nolf"));
    }
}
