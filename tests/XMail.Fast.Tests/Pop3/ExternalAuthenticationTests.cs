using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Pop3;

/// <summary>"EXTERNAL AUTHENTICATION": userauth/pop3/DOMAIN.tab then .tab, macros, exit codes.</summary>
public class ExternalAuthenticationTests
{
    private static string Script(string dir, string body)
    {
        var path = Path.Combine(dir, "auth-" + Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task Domain_table_decides_the_pop3_login()
    {
        await using var s = await TestServer.StartAsync();
        var log = Path.Combine(s.Root.Path, "auth.log");
        var script = Script(s.Root.Path, $"echo \"$1|$2|$3|$4\" >> {log}\n[ \"$3\" = \"extpw\" ]");
        s.Root.Write("userauth/pop3/xmailserver.test.tab", $"\"userauth\"\t\"{script}\"\t\"@@USER\"\t\"$(DOMAIN)\"\t\"@@PASSWD\"\t\"@@PATH\"\n");
        await using var c = await ConnectAsync(s);
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.StartsWith("+OK Maildrop", await Ask(c, "PASS extpw"));
        var line = Assert.Single(File.ReadAllLines(log));
        Assert.StartsWith("xmailuser|xmailserver.test|extpw|", line);
        Assert.EndsWith(Path.Combine("domains", "xmailserver.test", "xmailuser"), line);
    }

    [Fact]
    public async Task External_refusal_beats_a_correct_local_password_and_dot_tab_is_the_fallback()
    {
        await using var s = await TestServer.StartAsync();
        s.Root.Write("userauth/pop3/.tab", "\"userauth\"\t\"/bin/false\"\n");
        await using var c = await ConnectAsync(s);
        await Ask(c, "USER xmailuser@xmailserver.test");
        Assert.Equal("-ERR Invalid auth or access denied", await Ask(c, "PASS xmail"));
    }

    [Fact]
    public async Task Missing_program_fails_and_no_table_means_local_auth()
    {
        using var root = new TempMailRoot();
        var auth = new ExternalUserAuth(new MailRoot(root.Path));
        Assert.Equal(ExternalAuthResult.NotDefined, await auth.RunAsync("pop3", "userauth", "d.test", "u", "p"));
        root.Write("userauth/pop3/d.test.tab", "\"useradd\"\t\"/bin/true\"\n\"userauth\"\t\"/nonexistent/program\"\n");
        Assert.Equal(ExternalAuthResult.Failed, await auth.RunAsync("pop3", "userauth", "d.test", "u", "p"));
        Assert.Equal(ExternalAuthResult.Succeeded, await auth.RunAsync("pop3", "useradd", "d.test", "u", "p"));
        Assert.Equal(ExternalAuthResult.NotDefined, await auth.RunAsync("pop3", "userdel", "d.test", "u", "p"));
    }

    [Fact]
    public void Macros_expand_whole_fields_and_inline()
    {
        var m = new MacroSet().Add("USER", "u").Add("DOMAIN", "d");
        Assert.Equal(["u", "/x/$(NOPE)/d.dat", "@@OTHER", "plain"],
            m.Expand(["@@USER", "/x/$(NOPE)/$(DOMAIN).dat", "@@OTHER", "plain"]));
    }
}
