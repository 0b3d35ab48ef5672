using System.Net;
using XMail.Fast.Core.Accounts;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Adding a user" … "Listing users", "Authenticate user", "Retrieve user statistics", user vars, mailing list users.</summary>
public sealed class CtrlUserTests
{
    private static string T(params string[] f) => CtrlTestClient.Line(f);

    [Fact]
    public async Task Useradd_writes_mailusers_tab_user_tab_and_the_Maildir_tree_as_observed()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", "ctrl-useradd.test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "ctrl-useradd.test", "alice", "secret1", "U"));
        Assert.Equal([T("ctrl-useradd.test", "alice", "secret1", "U")], await c.ListAsync("userlist", "ctrl-useradd.test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("quit"));

        var users = File.ReadAllLines(s.Root.File("mailusers.tab")).Where(l => l.Contains("\"ctrl-useradd.test\"", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(["\"ctrl-useradd.test\"\t\"alice\"\t\"16000617001154\"\t2\t\"alice\"\t\"U\""], users);
        var dir = s.Root.File("domains/ctrl-useradd.test/alice");
        Assert.Equal(
            [T("RealName", "??"), T("HomePage", "??"), T("Address", "??"), T("Telephone", "??"), T("MaxMBSize", "10000"),
             T("SmtpPerms", "MR"), T("ReceiveEnable", "1"), T("PopEnable", "1")],
            File.ReadAllLines(Path.Combine(dir, "user.tab")));
        foreach (var sub in new[] { "Maildir/cur", "Maildir/new", "Maildir/tmp" }) Assert.True(Directory.Exists(Path.Combine(dir, sub)), sub);
    }

    [Fact]
    public async Task A_useradd_cut_short_by_a_crash_after_its_record_gets_its_folder_at_the_next_start()
    {
        // useradd makes the folder and the record durable with one flush, so a crash can leave the last record
        // without its folder: this MailRoot is in that state.
        await using var s = await CtrlServer.StartAsync(prepare: root =>
        {
            File.AppendAllText(root.File("mailusers.tab"), "\"xmailserver.test\"\t\"carol\"\t\"0a\"\t7\t\"carol\"\t\"U\"\n# a comment after it\n");
            root.Write("domains/xmailserver.test/userdef.tab", "\"MaxMBSize\"\t\"123\"\n");
        });
        var dir = s.Root.File("domains/xmailserver.test/carol");
        Assert.Equal([T("MaxMBSize", "123")], File.ReadAllLines(Path.Combine(dir, "user.tab")));
        foreach (var sub in new[] { "Maildir/cur", "Maildir/new", "Maildir/tmp" }) Assert.True(Directory.Exists(Path.Combine(dir, sub)), sub);

        // Earlier accounts are left as they are: the fixture's xmailuser keeps its own user.tab.
        Assert.NotEqual([T("MaxMBSize", "123")], File.ReadAllLines(s.Root.File("domains/xmailserver.test/xmailuser/user.tab")));
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.StartsWith("+00100", await c.CommandAsync("uservars", "xmailserver.test", "carol"));
    }

    [Fact]
    public async Task Useradd_errors()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("useradd", "nosuch.test", "bob", "pw", "U"));
        Assert.StartsWith("-00013 ", await c.CommandAsync("useradd", "xmailserver.test", "xmailuser", "pw", "U"));
        Assert.StartsWith("-00103 ", await c.CommandAsync("useradd", "xmailserver.test", "bob", "pw"));
        Assert.StartsWith("-00", await c.CommandAsync("useradd", "xmailserver.test", "../evil", "pw", "U"));
        Assert.False(Directory.Exists(s.Root.File("domains/evil")));
    }

    [Fact]
    public async Task Userlist_forms_with_wildcards_and_too_many_arguments()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        const string d = "ctrl-userlist-forms.test";
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", d));
        foreach (var (u, p, ty) in new[] { ("webadmin", "p1", "U"), ("sysadmin", "p2", "U"), ("joe", "p3", "U"), ("list", "p4", "M") })
            Assert.Equal("+00000 OK", await c.CommandAsync("useradd", d, u, p, ty));
        Assert.Equal([T(d, "webadmin", "p1", "U"), T(d, "sysadmin", "p2", "U")], await c.ListAsync("userlist", d, "*admin"));
        Assert.Equal([T(d, "joe", "p3", "U")], await c.ListAsync("userlist", d, "j?e"));
        Assert.Equal([T(d, "webadmin", "p1", "U"), T(d, "sysadmin", "p2", "U"), T(d, "joe", "p3", "U"), T(d, "list", "p4", "M")],
            await c.ListAsync("userlist", "ctrl-userlist-f*s.test"));
        Assert.Empty(await c.ListAsync("userlist", d, "nomatch*"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("userlist", d, "*", "x"));
        var all = await c.ListAsync("userlist");
        Assert.Equal(T("xmailserver.test", "xmailuser", "xmail", "U"), all[0]);
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public async Task Uservarsset_pairs_delete_new_vars_odd_arity_and_errors_as_observed()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        const string d = "ctrl-uservarsset.test";
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", d));
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", d, "val", "pw", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("uservarsset", d, "val", "RealName", "Val Kit", "HomePage", "http://kit.test/"));
        Assert.Equal("+00000 OK", await c.CommandAsync("uservarsset", d, "val", "Address", ".|rm", "Telephone", ".|rm"));
        Assert.Equal("+00000 OK", await c.CommandAsync("uservarsset", d, "val", "NewVar", "new value"));
        Assert.Equal("+00000 OK", await c.CommandAsync("uservarsset", d, "val", "Quoted", "say \"hi\""));
        Assert.Equal("+00000 OK", await c.CommandAsync("uservarsset", d, "val", "NoSuchVarDeleted", ".|rm"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("uservarsset", d, "val", "RealName"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("uservarsset", d, "val"));
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("uservarsset", d, "nobody", "RealName", "x"));
        Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("uservarsset", "no-such-" + d, "val", "RealName", "x"));
        string[] expected =
        [
            T("RealName", "Val Kit"), T("HomePage", "http://kit.test/"), T("MaxMBSize", "10000"), T("SmtpPerms", "MR"),
            T("ReceiveEnable", "1"), T("PopEnable", "1"), T("NewVar", "new value"), T("Quoted", "say "),
        ];
        Assert.Equal(expected, await c.ListAsync("uservars", d, "val"));
        Assert.Equal(expected, File.ReadAllLines(s.Root.File($"domains/{d}/val/user.tab")));
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("uservars", d, "nobody"));
    }

    [Fact]
    public async Task Userdel_userpasswd_userauth()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "xmailserver.test", "bob", "old", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("userauth", "xmailserver.test", "bob", "old"));
        Assert.StartsWith("-00024 ", await c.CommandAsync("userauth", "xmailserver.test", "bob", "OLD"));
        Assert.Equal("+00000 OK", await c.CommandAsync("userpasswd", "xmailserver.test", "bob", "new"));
        Assert.StartsWith("-00024 ", await c.CommandAsync("userauth", "xmailserver.test", "bob", "old"));
        Assert.Equal("+00000 OK", await c.CommandAsync("userauth", "xmailserver.test", "bob", "new"));
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("userpasswd", "xmailserver.test", "nobody", "x"));
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("userauth", "xmailserver.test", "nobody", "x"));
        Assert.Equal("+00000 OK", await c.CommandAsync("userdel", "xmailserver.test", "bob"));
        Assert.False(Directory.Exists(s.Root.File("domains/xmailserver.test/bob")));
        Assert.StartsWith("-00012 ", await c.CommandAsync("userdel", "xmailserver.test", "bob"));
        Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("userdel", "nosuch.test", "bob"));
        Assert.DoesNotContain(await c.ListAsync("userlist", "xmailserver.test"), l => l.Contains("\"bob\""));
    }

    [Fact]
    public async Task Userstat_reports_mailbox_totals_and_last_login_also_through_an_alias()
    {
        await using var s = await CtrlServer.StartAsync();
        var dir = s.Root.File("domains/xmailserver.test/xmailuser");
        foreach (var sub in new[] { "Maildir/new", "Maildir/cur", "Maildir/tmp" }) Directory.CreateDirectory(Path.Combine(dir, sub));
        File.WriteAllText(Path.Combine(dir, "Maildir/new/1.a.b"), new string('x', 100));
        File.WriteAllText(Path.Combine(dir, "Maildir/cur/2.a.b:2,S"), new string('y', 50));
        File.WriteAllText(Path.Combine(dir, "Maildir/new/.hidden"), "ignored");
        LastLogin.Record(dir, IPAddress.Parse("10.1.2.3"), new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var c = await CtrlTestClient.LoginAsync(s);
        var stat = await c.ListAsync("userstat", "xmailserver.test", "postmaster");
        Assert.Equal(5, stat.Count);
        Assert.Equal(T("RealAddress", "xmailuser@xmailserver.test"), stat[0]);
        Assert.Equal(T("MailboxSize", "150"), stat[1]);
        Assert.Equal(T("MailboxMessages", "2"), stat[2]);
        Assert.Matches("^\"LastLoginTimeDate\"\t\"\\w{3}, \\d{1,2} Jan 2030 \\d\\d:\\d\\d:05 [+-]\\d{4}\"$", stat[3]);
        Assert.Equal(T("LastLoginIP", "10.1.2.3"), stat[4]);
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("userstat", "xmailserver.test", "nobody"));
    }

    [Fact]
    public async Task Mailing_list_users_add_list_delete()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "xmailserver.test", "ml", "pw", "M"));
        Assert.Equal("+00000 OK", await c.CommandAsync("mluseradd", "xmailserver.test", "ml", "a@x.test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("mluseradd", "xmailserver.test", "ml", "b@x.test", "R"));
        Assert.StartsWith("-00052 ", await c.CommandAsync("mluseradd", "xmailserver.test", "ml", "a@x.test"));
        Assert.StartsWith("-00033 ", await c.CommandAsync("mluseradd", "xmailserver.test", "ml", "not-an-address"));
        Assert.StartsWith("-00050 ", await c.CommandAsync("mluseradd", "xmailserver.test", "xmailuser", "a@x.test"));
        Assert.Equal([T("a@x.test", "RW"), T("b@x.test", "R")], await c.ListAsync("mluserlist", "xmailserver.test", "ml"));
        Assert.Equal("+00000 OK", await c.CommandAsync("mluserdel", "xmailserver.test", "ml", "a@x.test"));
        Assert.StartsWith("-00053 ", await c.CommandAsync("mluserdel", "xmailserver.test", "ml", "a@x.test"));
        Assert.Equal([T("b@x.test", "R")], await c.ListAsync("mluserlist", "xmailserver.test", "ml"));
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("mluserlist", "xmailserver.test", "nolist"));
    }
}
