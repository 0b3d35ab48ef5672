namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Adding/Deleting/Listing/Enabling a POP3 external link" and "POP3LINKS.TAB".</summary>
public sealed class CtrlPop3LinkTests
{
    private static string T(params string[] f) => CtrlTestClient.Line(f);

    [Fact]
    public async Task Links_are_stored_with_an_encrypted_password_listed_in_clear_and_enabled_per_link()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        const string d = "xmailserver.test";
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkadd", d, "xmailuser", "pop.remote.test", "ruser", "secret", "CLR"));
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkadd", d, "xmailuser", "other.test", "ruser2", "pw2", "APOP"));
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkadd", "@gw.test", "catch", "pop.gw.test:110", "gw", "pw3", "CLR"));
        Assert.StartsWith("-00044 ", await c.CommandAsync("poplnkadd", d, "xmailuser", "pop.remote.test", "ruser", "x", "CLR"));
        Assert.Contains("\"xmailserver.test\"\t\"xmailuser\"\t\"pop.remote.test\"\t\"ruser\"\t\"160006170011\"\t\"CLR\"", File.ReadAllLines(s.Root.File("pop3links.tab")));

        Assert.Equal(
            [T(d, "xmailuser", "pop.remote.test", "ruser", "secret", "CLR", "ON"), T(d, "xmailuser", "other.test", "ruser2", "pw2", "APOP", "ON"),
             T("@gw.test", "catch", "pop.gw.test:110", "gw", "pw3", "CLR", "ON")],
            await c.ListAsync("poplnklist"));
        Assert.Equal(2, (await c.ListAsync("poplnklist", d)).Count);
        Assert.Empty(await c.ListAsync("poplnklist", d, "nobody"));

        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkenable", "0", d, "xmailuser", "pop.remote.test", "ruser"));
        Assert.True(File.Exists(s.Root.File("domains/xmailserver.test/xmailuser/ruser@pop.remote.test.disabled")));
        Assert.Equal([T(d, "xmailuser", "pop.remote.test", "ruser", "secret", "CLR", "OFF"), T(d, "xmailuser", "other.test", "ruser2", "pw2", "APOP", "ON")],
            await c.ListAsync("poplnklist", d, "xmailuser"));
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkenable", "0", d, "xmailuser"));
        Assert.All(await c.ListAsync("poplnklist", d), l => Assert.EndsWith("\"OFF\"", l));
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkenable", "1", d, "xmailuser"));
        Assert.All(await c.ListAsync("poplnklist", d), l => Assert.EndsWith("\"ON\"", l));
        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkenable", "0", "@gw.test", "catch"));
        Assert.True(File.Exists(s.Root.File("pop3links/gw@pop.gw.test:110.disabled")));
        Assert.StartsWith("-00046 ", await c.CommandAsync("poplnkenable", "1", d, "nobody"));
        Assert.StartsWith("-00103 ", await c.CommandAsync("poplnkenable", "1", d));

        Assert.Equal("+00000 OK", await c.CommandAsync("poplnkdel", "@gw.test", "catch", "pop.gw.test:110", "gw"));
        Assert.False(File.Exists(s.Root.File("pop3links/gw@pop.gw.test:110.disabled")));
        Assert.StartsWith("-00046 ", await c.CommandAsync("poplnkdel", "@gw.test", "catch", "pop.gw.test:110", "gw"));
        Assert.Equal(2, (await c.ListAsync("poplnklist")).Count);
    }
}
