using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"MAILPROC.TAB", "CUSTOM DOMAIN MAIL PROCESSING" and "CMD ALIASES" commands and "MACRO SUBSTITUTION".</summary>
public class MailProcessingCommandsTests
{
    [Fact]
    public async Task User_mailproc_runs_external_with_macros_then_mailbox_and_redirect()
    {
        await using var s = await TestServer.StartAsync();
        var user = AddUser(s, "proc");
        var other = AddUser(s, "other");
        var outFile = Path.Combine(s.Root.Path, "external.out");
        var script = Script(s, "ext.sh", $"echo \"$1|$2|$3|$4|$5\" >> '{outFile}'; test -f \"$6\" && echo file-ok >> '{outFile}'");
        File.WriteAllText(Path.Combine(user, "mailproc.tab"),
            $"\"external\"\t\"0\"\t\"10\"\t\"{script}\"\t\"@@FROM\"\t\"$(RCPT)\"\t\"x-$(RRCPT)\"\t\"$(MSGREF)\"\t\"$(USERAUTH)\"\t\"$(FILE)\"\n" +
            "\"mailbox\"\n" +
            "\"redirect\"\t\"other@xmailserver.test\"\n");
        await SubmitAsync(s, "a@example.org", ["proc@xmailserver.test"], "Subject: p\r\n\r\nx\r\n", "S42");
        await WaitForMailAsync(user);
        var o = await WaitForMailAsync(other);
        Assert.StartsWith("Return-Path: <a@example.org>\nDelivered-To: other@xmailserver.test\n", Read(o[0]));
        Assert.Equal("a@example.org|proc@xmailserver.test|x-proc@xmailserver.test|S42|-\nfile-ok\n", File.ReadAllText(outFile));
    }

    [Fact]
    public async Task Domain_mailproc_applies_when_the_user_has_none_and_exit_16_stops_processing()
    {
        await using var s = await TestServer.StartAsync();
        var user = AddUser(s, "dom", "proc.test");
        var script = Script(s, "stop.sh", "exit 16");
        File.WriteAllText(Path.Combine(s.Root.Path, "domains", "proc.test", "mailproc.tab"),
            $"\"external\"\t\"0\"\t\"10\"\t\"{script}\"\n\"mailbox\"\n");
        var r = await SubmitAsync(s, "a@example.org", ["dom@proc.test"], "Subject: p\r\n\r\nx\r\n");
        Assert.True(await TestServer.WaitUntilAsync(() => StateFiles(s, "mess").Length == 0 && StateFiles(s, "lock").Length == 0));
        Assert.Empty(NewMail(user));
        Assert.Empty(StateFiles(s, "froz"));
    }

    [Fact]
    public async Task Lredirect_from_a_custom_domain_impersonates_the_recipient()
    {
        await using var s = await TestServer.StartAsync(prepare: root =>
            root.Write("custdomains/.cust.test.tab", "\"lredirect\"\t\"xmailserver.test\"\n"));
        AddUser(s, "foo");
        await SubmitAsync(s, "a@example.org", ["foo@sub.cust.test"], "Subject: c\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(UserDir(s, Domain, "foo"));
        Assert.StartsWith("Return-Path: <foo@sub.cust.test>\nDelivered-To: foo@xmailserver.test\n", Read(files[0]));
    }

    [Fact]
    public async Task Cmdalias_redirects_and_its_filter_can_reject_with_a_rej_text()
    {
        await using var s = await TestServer.StartAsync();
        var target = AddUser(s, "target");
        var reject = Script(s, "rej.sh", "echo 'custom reason' > \"$1.rej\"; exit 6");
        s.Root.Write("cmdaliases/xmailserver.test/fwd.tab", "\"redirect\"\t\"target@xmailserver.test\"\n");
        s.Root.Write("cmdaliases/xmailserver.test/blocked.tab", $"\"filter\"\t\"0\"\t\"10\"\t\"{reject}\"\t\"$(FILE)\"\n\"redirect\"\t\"target@xmailserver.test\"\n");
        await SubmitAsync(s, "a@example.org", ["fwd@xmailserver.test"], "Subject: fwd\r\n\r\nx\r\n");
        await SubmitAsync(s, "xmailuser@xmailserver.test", ["blocked@xmailserver.test"], "Subject: blocked\r\n\r\nx\r\n");
        var files = await WaitForMailAsync(target);
        var bounce = await WaitForMailAsync(UserDir(s, Domain, "xmailuser"));
        Assert.Single(files);
        Assert.Contains("Subject: fwd", Read(files[0]));
        Assert.Contains("custom reason", Read(bounce[0]));
    }
}
