namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Adding a domain" … "Listing alias domains".</summary>
public sealed class CtrlDomainTests
{
    private static string T(params string[] f) => CtrlTestClient.Line(f);

    [Fact]
    public async Task Domainadd_domainlist_domaindel()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", "One.Test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", "two.test"));
        Assert.StartsWith("-00231 ", await c.CommandAsync("domainadd", "one.test"));
        Assert.StartsWith("-00", await c.CommandAsync("domainadd", "../bad"));
        Assert.Equal([T("xmailserver.test"), T("one.test"), T("two.test")], await c.ListAsync("domainlist"));
        Assert.Equal([T("one.test"), T("two.test")], await c.ListAsync("domainlist", "o*", "t?o.*"));
        Assert.True(Directory.Exists(s.Root.File("domains/one.test")));
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "one.test", "u", "p", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("domaindel", "one.test"));
        Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("domaindel", "one.test"));
        Assert.False(Directory.Exists(s.Root.File("domains/one.test")));
        Assert.Equal([T("xmailserver.test"), T("two.test")], await c.ListAsync("domainlist"));
        Assert.Empty(await c.ListAsync("userlist", "one.test"));
    }

    [Fact]
    public async Task Alias_domains_add_list_delete()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasdomainadd", "xmailserver.test", "xmailserver.com"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasdomainadd", "xmailserver.test", "*.xmailserver.test"));
        Assert.StartsWith("-00205 ", await c.CommandAsync("aliasdomainadd", "xmailserver.test", "xmailserver.com"));
        Assert.StartsWith("-00205 ", await c.CommandAsync("aliasdomainadd", "xmailserver.test", "xmailserver.test"));
        Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("aliasdomainadd", "nosuch.test", "x.test"));
        Assert.Equal([T("xmailserver.test", "xmailserver.com"), T("xmailserver.test", "*.xmailserver.test")], await c.ListAsync("aliasdomainlist"));
        Assert.Equal([T("xmailserver.test", "xmailserver.com")], await c.ListAsync("aliasdomainlist", "xmail*", "*.com"));
        Assert.Empty(await c.ListAsync("aliasdomainlist", "other*"));
        Assert.Equal("\"xmailserver.com\"\t\"xmailserver.test\"", File.ReadAllLines(s.Root.File("aliasdomain.tab"))[0]);
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasdomaindel", "*.xmailserver.test"));
        Assert.StartsWith("-00206 ", await c.CommandAsync("aliasdomaindel", "*.xmailserver.test"));
        Assert.Equal([T("xmailserver.test", "xmailserver.com")], await c.ListAsync("aliasdomainlist"));
    }
}
