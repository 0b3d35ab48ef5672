using System.Net;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// MailRoot.template is the safe default for a new install: no account, no password, no relay network, no
/// POP3-before-SMTP, AUTH only after STARTTLS, CTRL and FINGER for loopback only. A MailRoot that does not set a
/// variable keeps XMail 1.27's default (drop-in).
/// </summary>
public sealed class TemplateDefaultsTests
{
    private static IEnumerable<string[]> Records(string file) => TabFile.Records(TemplateServer.TemplateFile(file), 1).Select(l => l.Fields!);

    [Theory]
    [InlineData("mailusers.tab")]
    [InlineData("ctrlaccounts.tab")]
    [InlineData("aliases.tab")]
    [InlineData("smtprelay.tab")]
    [InlineData("domains.tab")]
    [InlineData("extaliases.tab")]
    [InlineData("smtpauth.tab")]
    [InlineData("pop3links.tab")]
    public void Has_no_accounts_passwords_aliases_or_relay_networks(string table) => Assert.Empty(Records(table));

    [Fact]
    public void Has_no_account_folders()
    {
        var domains = Path.Combine(XMail.Fast.Server.MailRootTemplate.TemplatePath, "domains");
        Assert.False(Directory.Exists(domains) && Directory.EnumerateFileSystemEntries(domains).Any());
    }

    [Fact]
    public void Server_tab_turns_off_POP3_before_SMTP_and_clear_text_AUTH()
    {
        var cfg = ServerConfig.Load(TemplateServer.TemplateFile("server.tab"));
        Assert.False(cfg.EnableAuthSmtpPop3);
        Assert.Equal("", cfg.SmtpNoTLSAuths); // set but empty: no mechanism before STARTTLS ("SmtpNoTLSAuths")
        Assert.Equal("localhost", cfg.RootDomain);
        Assert.DoesNotContain(cfg.Variables.Values, v => v.Contains("xmailserver", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Code_defaults_stay_XMail_1_27s_for_MailRoots_that_do_not_set_them()
    {
        Assert.True(ServerConfig.Empty.EnableAuthSmtpPop3);
        Assert.Null(ServerConfig.Empty.SmtpNoTLSAuths);
        Assert.False(ServerConfig.Empty.SSLWantVerify);
        Assert.False(ServerConfig.Empty.CtrlAllowKeyFiles);
    }

    [Theory]
    [InlineData("ctrl.ipmap.tab")]
    [InlineData("finger.ipmap.tab")]
    public void Ctrl_and_finger_answer_loopback_only(string table)
    {
        var map = IpMap.Load(TemplateServer.TemplateFile(table));
        foreach (var ip in new[] { "127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1" }) Assert.True(map.IsAllowed(IPAddress.Parse(ip)), ip);
        foreach (var ip in new[] { "192.0.2.1", "10.0.0.1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1" }) Assert.False(map.IsAllowed(IPAddress.Parse(ip)), ip);
    }

    [Theory]
    [InlineData("smtp.ipmap.tab")]
    [InlineData("pop3.ipmap.tab")]
    public void Smtp_and_pop3_answer_everyone(string table) =>
        Assert.True(IpMap.Load(TemplateServer.TemplateFile(table)).IsAllowed(IPAddress.Parse("192.0.2.1")));
}
