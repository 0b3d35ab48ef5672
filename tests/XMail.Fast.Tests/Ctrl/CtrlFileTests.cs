namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Listing files", "Getting configuration file", "Setting configuration file" (and the MailRoot confinement of XMail.Fast).</summary>
public sealed class CtrlFileTests
{
    [Fact]
    public async Task Filelist_cfgfileget_cfgfileset_round_trip()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        var tabs = await c.ListAsync("filelist", "", "ctrl*.tab");
        Assert.Contains($"\"ctrlaccounts.tab\"\t\"{new FileInfo(s.Root.File("ctrlaccounts.tab")).Length}\"", tabs);
        Assert.Contains(tabs, l => l.StartsWith("\"ctrl.ipmap.tab\""));
        Assert.Equal(["\"user.tab\"\t\"" + new FileInfo(s.Root.File("domains/xmailserver.test/xmailuser/user.tab")).Length + "\""],
            await c.ListAsync("filelist", "domains/xmailserver.test/xmailuser", "user.*"));
        Assert.StartsWith("-00211 ", await c.CommandAsync("filelist", "no/such/dir", "*"));

        Assert.Equal([CtrlTestClient.AdminLine.TrimEnd('\n')], await c.ListAsync("cfgfileget", "ctrlaccounts.tab"));
        Assert.Equal("+00000 OK", await c.UploadAsync(["cfgfileset", "smtprelay.tab"], "\"192.168.0.0\"\t\"255.255.0.0\"", "..dotted"));
        Assert.Equal("\"192.168.0.0\"\t\"255.255.0.0\"\n.dotted\n", s.Root.Read("smtprelay.tab"));
        Assert.Equal(["\"192.168.0.0\"\t\"255.255.0.0\"", "..dotted"], await c.ListAsync("cfgfileget", "smtprelay.tab"));
        Assert.Equal("+00000 OK", await c.UploadAsync(["cfgfileset", "spam-address.tab"]));
        Assert.False(File.Exists(s.Root.File("spam-address.tab")));
        Assert.StartsWith("-00019 ", await c.CommandAsync("cfgfileget", "spam-address.tab"));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("domains/../../outside.tab")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    public async Task Paths_leaving_MailRoot_are_refused(string path)
    {
        await using var s = await CtrlServer.StartAsync();
        var outside = Path.Combine(Path.GetDirectoryName(s.Root.Path)!, "outside.tab");
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("cfgfileget", path));
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("cfgfileset", path));
        Assert.Equal("-00214 Bad relative path", await c.CommandAsync("filelist", path, "*"));
        Assert.False(File.Exists(outside));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Theory]
    [InlineData("mailusers.tab")]
    [InlineData("aliases.tab")]
    [InlineData("extaliases.tab")]
    [InlineData("aliasdomain.tab")]
    public async Task Indexed_tables_are_refused(string table)
    {
        await using var s = await CtrlServer.StartAsync();
        var before = s.Root.Read(table);
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.StartsWith("-00214 ", await c.CommandAsync("cfgfileget", table));
        Assert.StartsWith("-00214 ", await c.CommandAsync("cfgfileset", table));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
        Assert.Equal(before, s.Root.Read(table));
    }
}
