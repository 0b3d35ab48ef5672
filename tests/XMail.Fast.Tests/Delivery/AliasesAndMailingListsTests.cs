using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"ALIASES.TAB", "ALIASDOMAIN.TAB", "EXTALIASES.TAB", "MLUSERS.TAB" at delivery time.</summary>
public class AliasesAndMailingListsTests
{
    [Fact]
    public async Task Wildcard_alias_and_alias_domain_reach_the_real_account()
    {
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            File.AppendAllText(root.File("aliases.tab"), "\"xmailserver.test\"\t\"sales*\"\t\"xmailuser\"\n");
            File.AppendAllText(root.File("aliasdomain.tab"), "\"*.alias.test\"\t\"xmailserver.test\"\n");
        });
        var dir = UserDir(s, Domain, "xmailuser");
        await SubmitAsync(s, "a@example.org", ["sales-eu@xmailserver.test"], "Subject: 1\r\n\r\nx\r\n");
        await SubmitAsync(s, "a@example.org", ["xmailuser@mx.alias.test"], "Subject: 2\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(dir, 2);
        Assert.All(files, f => Assert.Contains("Delivered-To: xmailuser@xmailserver.test\n", Read(f)));
    }

    [Fact]
    public async Task Extaliases_maps_the_return_path_of_a_local_delivery()
    {
        await using var s = await TestServer.StartAsync(prepare: root =>
            File.AppendAllText(root.File("extaliases.tab"), "\"example.org\"\t\"dlibenzi\"\t\"xmailserver.test\"\t\"xmailuser\"\n"));
        var dir = UserDir(s, Domain, "xmailuser");
        await SubmitAsync(s, "dlibenzi@example.org", ["xmailuser@xmailserver.test"], "Subject: ext\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(dir);
        Assert.StartsWith("Return-Path: <xmailuser@xmailserver.test>\n", Read(files[0]));
    }

    [Fact]
    public async Task Mailing_list_fans_out_to_readers_with_list_sender_and_reply_to()
    {
        await using var s = await TestServer.StartAsync();
        var listDir = AddUser(s, "list", Domain, 'M');
        var a = AddUser(s, "alice");
        var b = AddUser(s, "bob");
        var c = AddUser(s, "carol");
        File.WriteAllText(Path.Combine(listDir, "mlusers.tab"),
            "\"alice@xmailserver.test\"\t\"RW\"\n\"bob@xmailserver.test\"\t\"R\"\n\"carol@xmailserver.test\"\t\"W\"\n");
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.SetUserVars(Domain, "list", [("ListSender", "owner@xmailserver.test")]));
        await SubmitAsync(s, "someone@example.org", ["list@xmailserver.test"], "Subject: to the list\r\n\r\nhello list\r\n");
        var fa = await WaitForMailAsync(a);
        var fb = await WaitForMailAsync(b);
        var text = Read(fa[0]);
        Assert.StartsWith("Return-Path: <owner@xmailserver.test>\nDelivered-To: alice@xmailserver.test\nReply-To: list@xmailserver.test\n", text);
        Assert.EndsWith("\nSubject: to the list\n\nhello list\r\n", text);
        Assert.Single(fb);
        // carol has no R permission.
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0));
        Assert.Empty(NewMail(c));
    }

    [Fact]
    public async Task Closed_list_refuses_a_non_member_and_accepts_a_writer()
    {
        await using var s = await TestServer.StartAsync();
        var listDir = AddUser(s, "closed", Domain, 'M');
        var a = AddUser(s, "alice");
        File.WriteAllText(Path.Combine(listDir, "mlusers.tab"), "\"alice@xmailserver.test\"\t\"RW\"\n");
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.SetUserVars(Domain, "closed", [("ClosedML", "1"), ("UseReplyTo", "0")]));
        var refused = await SubmitAsync(s, "stranger@example.org", ["closed@xmailserver.test"], "Subject: no\r\n\r\nx\r\n");
        await SubmitAsync(s, "alice@xmailserver.test", ["closed@xmailserver.test"], "Subject: yes\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(a);
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(Path.Combine(s.Root.Path, "spool", "3", "4", "froz", refused.Name))));
        Assert.Single(files);
        Assert.Contains("Subject: yes", Read(files[0]));
        Assert.DoesNotContain("Reply-To:", Read(files[0]));
    }

    [Fact]
    public async Task Disabled_account_bounces_and_full_mailbox_bounces()
    {
        await using var s = await TestServer.StartAsync();
        var off = AddUser(s, "off");
        var full = AddUser(s, "full");
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.SetUserVars(Domain, "off", [("ReceiveEnable", "0")]));
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.SetUserVars(Domain, "full", [("MaxMBSize", "1")]));
        var sender = UserDir(s, Domain, "xmailuser");
        await SubmitAsync(s, "xmailuser@xmailserver.test", ["off@xmailserver.test"], "Subject: a\r\n\r\nx\r\n");
        await SubmitAsync(s, "xmailuser@xmailserver.test", ["full@xmailserver.test"], "Subject: b\r\n\r\n" + new string('x', 2000) + "\r\n");
        // The sender is root's account too (ErrorsAdmin), which gets a single copy.
        // Both bounces, whichever order the two messages finish in (the admin copies land in the same account).
        string All() => string.Join("\n", NewMail(sender).Select(Read));
        await TestServer.WaitUntilAsync(() => All().Contains("550 Account disabled") && All().Contains("552 Mailbox size limit"), TimeSpan.FromSeconds(45));
        var all = All();
        Assert.Contains("550 Account disabled <off@xmailserver.test>", all);
        Assert.Contains("552 Mailbox size limit exceeded <full@xmailserver.test>", all);
        Assert.Empty(NewMail(off));
        Assert.Empty(NewMail(full));
    }
}
