namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Adding an alias" … "Listing external aliases".</summary>
public sealed class CtrlAliasTests
{
    private static string T(params string[] f) => CtrlTestClient.Line(f);

    [Fact]
    public async Task Aliaslist_forms_with_zero_to_three_arguments_as_observed()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        const string d = "ctrl-aliaslist-forms.test";
        Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", d));
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", d, "mickey", "pw", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("useradd", d, "donald", "pw", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasadd", d, "mouse", "mickey"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasadd", d, "mick", "mickey"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasadd", d, "duck", "donald"));
        Assert.Equal([T(d, "mouse", "mickey"), T(d, "mick", "mickey")], await c.ListAsync("aliaslist", d, "*", "mickey"));
        Assert.Equal([T(d, "mouse", "mickey"), T(d, "mick", "mickey")], await c.ListAsync("aliaslist", d, "m*"));
        Assert.Equal([T(d, "mouse", "mickey"), T(d, "mick", "mickey"), T(d, "duck", "donald")], await c.ListAsync("aliaslist", d));
        Assert.Equal([T(d, "duck", "donald")], await c.ListAsync("aliaslist", "ctrl-aliaslist-f*s.test", "d?ck"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("aliaslist", d, "*", "*", "extra"));
        Assert.Equal(
            [T("xmailserver.test", "root", "xmailuser"), T("xmailserver.test", "postmaster", "xmailuser"),
             T(d, "mouse", "mickey"), T(d, "mick", "mickey"), T(d, "duck", "donald")],
            await c.ListAsync("aliaslist"));
    }

    [Fact]
    public async Task Aliasadd_errors_and_aliasdel()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("aliasadd", "xmailserver.test", "x", "nobody"));
        Assert.StartsWith("-00013 ", await c.CommandAsync("aliasadd", "xmailserver.test", "xmailuser", "xmailuser"));
        Assert.StartsWith("-00026 ", await c.CommandAsync("aliasadd", "xmailserver.test", "root", "xmailuser"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasadd", "xmailserver.test", "full", "xmailuser@xmailserver.test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("aliasdel", "xmailserver.test", "full"));
        Assert.StartsWith("-00028 ", await c.CommandAsync("aliasdel", "xmailserver.test", "full"));
        Assert.Equal(2, (await c.ListAsync("aliaslist")).Count);
    }

    [Fact]
    public async Task External_aliases_add_list_delete()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("exaliasadd", "xmailuser@xmailserver.test", "dlibenzi@xmailserver.org"));
        Assert.Equal("+00000 OK", await c.CommandAsync("exaliasadd", "xmailuser@xmailserver.test", "other@remote.test"));
        Assert.StartsWith("-00067 ", await c.CommandAsync("exaliasadd", "xmailuser@xmailserver.test", "dlibenzi@xmailserver.org"));
        Assert.StartsWith("-00033 ", await c.CommandAsync("exaliasadd", "no-at-sign", "x@y.test"));
        Assert.Equal([T("xmailserver.org", "dlibenzi", "xmailserver.test", "xmailuser"), T("remote.test", "other", "xmailserver.test", "xmailuser")],
            await c.ListAsync("exaliaslist"));
        Assert.Equal([T("remote.test", "other", "xmailserver.test", "xmailuser")], await c.ListAsync("exaliaslist", "*@xmailserver.test", "*@*.test"));
        Assert.Empty(await c.ListAsync("exaliaslist", "*@elsewhere.test"));
        Assert.Equal("+00000 OK", await c.CommandAsync("exaliasdel", "dlibenzi@xmailserver.org"));
        Assert.StartsWith("-00069 ", await c.CommandAsync("exaliasdel", "dlibenzi@xmailserver.org"));
        Assert.Single(await c.ListAsync("exaliaslist"));
    }
}
