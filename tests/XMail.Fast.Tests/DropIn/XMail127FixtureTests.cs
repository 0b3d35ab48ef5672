using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.DropIn;

/// <summary>
/// tests/fixtures/xmail-1.27-MailRoot, the copy of XMail 1.27's template MailRoot most tests start from, is whole in
/// every clone: its empty tables too (a tool that drops empty files would make a server start on a different root).
/// </summary>
public sealed class XMail127FixtureTests
{
    private static readonly string[] EmptyTables =
    [
        "aliasdomain.tab", "ctrlaccounts.tab", "extaliases.tab", "filters.in.tab", "filters.out.tab", "filters.post-data.tab",
        "filters.post-rcpt.tab", "filters.pre-data.tab", "pop3links.tab", "smtp.ipprop.tab", "smtpauth.tab", "smtpextauth.tab",
        "smtpfwd.tab", "smtpgw.tab", "spam-address.tab", "spammers.tab",
    ];

    private static readonly string[] FilledFiles =
    [
        "aliases.tab", "ctrl.ipmap.tab", "dnsroots", "domains.tab", "finger.ipmap.tab", "mailusers.tab", "message.id",
        "pop3.ipmap.tab", "server.tab", "smtp.ipmap.tab", "smtprelay.tab", "userdef.tab",
        "domains/xmailserver.test/xmailuser/mailproc.sample.tab", "domains/xmailserver.test/xmailuser/pop3.ipmap.sample.tab",
        "domains/xmailserver.test/xmailuser/user.tab",
    ];

    [Fact]
    public void Every_file_of_the_template_is_there_and_the_empty_tables_are_empty()
    {
        var root = Fixtures.XMail127MailRoot;
        Assert.StartsWith(Fixtures.Repository + Path.DirectorySeparatorChar, root);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(EmptyTables.Concat(FilledFiles).Order(StringComparer.Ordinal), files);
        Assert.All(EmptyTables, f => Assert.Equal(0, new FileInfo(Path.Combine(root, f)).Length));
        Assert.All(FilledFiles, f => Assert.True(new FileInfo(Path.Combine(root, f)).Length > 0, f));
    }

    [Fact]
    public void Tables_are_tab_separated_quoted_records_with_lf_line_ends()
    {
        var root = Fixtures.XMail127MailRoot;
        Assert.Equal("\"xmailserver.test\"\n", File.ReadAllText(Path.Combine(root, "domains.tab")));
        Assert.Equal("\"xmailserver.test\"\t\"xmailuser\"\t\"1d08040c09\"\t1\t\"xmailuser\"\t\"U\"\n",
            File.ReadAllText(Path.Combine(root, "mailusers.tab")));
        var serverTab = File.ReadAllLines(Path.Combine(root, "server.tab"));
        Assert.Contains("\"RootDomain\"\t\"xmailserver.test\"", serverTab);
        Assert.Contains("\"DefaultSmtpPerms\"\t\"MRVZ\"", serverTab);
        Assert.DoesNotContain('\r', File.ReadAllText(Path.Combine(root, "server.tab")));
    }
}
