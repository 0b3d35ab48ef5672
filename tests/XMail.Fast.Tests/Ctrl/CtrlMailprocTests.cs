namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Getting mailproc.tab file", "Setting mailproc.tab file", "Getting/Setting custom domain file", "Listing custom domains".</summary>
public sealed class CtrlMailprocTests
{
    private const string D = "ctrl-mailproc.test";

    [Fact]
    public async Task Mailproc_upload_download_dot_stuffing_merge_and_delete_as_observed()
    {
        await using var s = await CtrlServer.StartAsync();
        await using (var c = await CtrlTestClient.LoginAsync(s))
        {
            Assert.Equal("+00000 OK", await c.CommandAsync("domainadd", D));
            Assert.Equal("+00000 OK", await c.CommandAsync("useradd", D, "mp", "pw", "U"));
            Assert.Equal("-00116 User mail processing file not present", await c.CommandAsync("usergetmproc", D, "mp"));
            Assert.Equal("+00000 OK", await c.UploadAsync(["usersetmproc", D, "mp"],
                "\"mailbox\"", "..leading dot line", "...two dots", "\"redirect\"\t\"mp@ctrl-mailproc.test\""));
            Assert.Equal("+00000 OK", await c.UploadAsync(["usersetmproc", D, "mp", "D"], "\"mailbox\"", "# domain wide"));
            string[] user = ["\"mailbox\"", "..leading dot line", "...two dots", "\"redirect\"\t\"mp@ctrl-mailproc.test\""];
            string[] domain = ["\"mailbox\"", "# domain wide"];
            Assert.Equal(user, await c.ListAsync("usergetmproc", D, "mp", "U"));
            Assert.Equal(domain, await c.ListAsync("usergetmproc", D, "mp", "D"));
            Assert.Equal(domain.Concat(user), await c.ListAsync("usergetmproc", D, "mp", "DU"));
            Assert.Equal(domain.Concat(user), await c.ListAsync("usergetmproc", D, "mp"));
            Assert.Equal("+00000 OK", await c.CommandAsync("quit"));
        }
        Assert.Equal("\"mailbox\"\n.leading dot line\n..two dots\n\"redirect\"\t\"mp@ctrl-mailproc.test\"\n", s.Root.Read($"domains/{D}/mp/mailproc.tab"));
        Assert.Equal("\"mailbox\"\n# domain wide\n", s.Root.Read($"domains/{D}/mailproc.tab"));

        await using (var c = await CtrlTestClient.LoginAsync(s))
        {
            Assert.Equal("+00000 OK", await c.UploadAsync(["usersetmproc", D, "mp"]));
            Assert.Equal("+00000 OK", await c.UploadAsync(["usersetmproc", D, "mp", "D"]));
            Assert.Equal("-00116 User mail processing file not present", await c.CommandAsync("usergetmproc", D, "mp"));
            Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("usergetmproc", D, "nobody"));
            Assert.Equal("-00157 Record not found in TAB file", await c.CommandAsync("usersetmproc", D, "nobody"));
            Assert.Equal("-00059 POP3 domain not handled", await c.CommandAsync("usersetmproc", "no-such-" + D, "mp"));
            Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("usergetmproc", D));
            Assert.Equal("+00000 OK", await c.CommandAsync("quit"));
        }
        Assert.False(File.Exists(s.Root.File($"domains/{D}/mp/mailproc.tab")));
        Assert.False(File.Exists(s.Root.File($"domains/{D}/mailproc.tab")));
    }

    [Fact]
    public async Task Upload_with_an_over_long_line_is_refused_and_leaves_the_file_alone()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.UploadAsync(["usersetmproc", "xmailserver.test", "xmailuser"], "\"mailbox\""));
        Assert.StartsWith("-00162 ", await c.UploadAsync(["usersetmproc", "xmailserver.test", "xmailuser"], "\"redirect\"", new string('x', 200_000)));
        Assert.Equal(["\"mailbox\""], await c.ListAsync("usergetmproc", "xmailserver.test", "xmailuser", "U"));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Fact]
    public async Task Custom_domain_files_set_get_list_delete()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.StartsWith("-00120 ", await c.CommandAsync("custdomget", "spacejam.foo"));
        Assert.Equal("+00000 OK", await c.UploadAsync(["custdomset", "Spacejam.Foo"], "\"external\"\t\"0\"\t\"60\"\t\"/bin/true\"", "..dot"));
        Assert.Equal("+00000 OK", await c.UploadAsync(["custdomset", ".net"], "\"smtprelay\"\t\"relay.test\""));
        Assert.Equal("\"external\"\t\"0\"\t\"60\"\t\"/bin/true\"\n.dot\n", s.Root.Read("custdomains/spacejam.foo.tab"));
        Assert.Equal(["\"external\"\t\"0\"\t\"60\"\t\"/bin/true\"", "..dot"], await c.ListAsync("custdomget", "spacejam.foo"));
        Assert.Equal(["\".net\"", "\"spacejam.foo\""], (await c.ListAsync("custdomlist")).Order(StringComparer.Ordinal));
        Assert.StartsWith("-00189 ", await c.CommandAsync("custdomset", "../evil"));
        Assert.StartsWith("-00120 ", await c.CommandAsync("custdomget", "../server"));
        Assert.Equal("+00000 OK", await c.UploadAsync(["custdomset", "spacejam.foo"]));
        Assert.False(File.Exists(s.Root.File("custdomains/spacejam.foo.tab")));
        Assert.Equal(["\".net\""], await c.ListAsync("custdomlist"));
    }
}
