using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>Bounds a peer meets: command length, NUL, -Sr, SMTP-MaxErrors, -St, -SX, smtp.ipmap.tab and SMTP-IpMapDropCode.</summary>
public sealed class SmtpLimitsTests
{
    [Fact]
    public async Task Overlong_command_and_nul_get_500_and_the_session_goes_on()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("500 Syntax error, line too long", await CommandAsync(c, "NOOP " + new string('a', 600)));
        Assert.Equal("500 Syntax error, NUL character not allowed", await CommandAsync(c, "NOOP \0x"));
        Assert.Equal("250 OK", await CommandAsync(c, "NOOP"));
    }

    [Fact]
    public async Task Recipient_limit_follows_Sr()
    {
        await using var s = await TestServer.StartAsync(configure: o => o.SmtpMaxRecipients = 2);
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<root@xmailserver.test>"));
        Assert.Equal("552 Too many recipients", await CommandAsync(c, "RCPT TO:<postmaster@xmailserver.test>"));
    }

    [Fact]
    public async Task Max_errors_disconnects()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.AppendAllText(r.File("server.tab"), "\"SMTP-MaxErrors\"\t\"2\"\n"));
        await using var c = await ConnectAsync(s);
        Assert.StartsWith("500", await CommandAsync(c, "BOGUS1"));
        Assert.StartsWith("500", await CommandAsync(c, "BOGUS2"));
        await c.SendLineAsync("BOGUS3");
        Assert.StartsWith("500", await c.ReadLineAsync());
        Assert.StartsWith("421 ", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Idle_session_times_out_with_421()
    {
        await using var s = await TestServer.StartAsync(configure: o => o.Smtp.TimeoutSeconds = 1);
        await using var c = await ConnectAsync(s);
        Assert.EndsWith("- Timeout", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Session_limit_answers_busy()
    {
        await using var s = await TestServer.StartAsync(configure: o => o.Smtp.MaxSessions = 1);
        await using var first = await ConnectAsync(s);
        await using var second = await LineClient.ConnectAsync(s.Port("SMTP"));
        Assert.EndsWith("Server too busy", await second.ReadLineAsync());
        Assert.Equal("250 OK", await CommandAsync(first, "NOOP"));
    }

    [Fact]
    public async Task Ipmap_deny_drops_at_connect_with_the_configured_text()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
        {
            File.WriteAllText(r.File("smtp.ipmap.tab"), "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n");
            File.AppendAllText(r.File("server.tab"), "\"SmtpMsgIPBan\"\t\"Go away\"\n");
        });
        await using var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        Assert.Equal("421 Go away", await c.ReadLineAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Ipmap_drop_code_zero_lets_only_authenticated_clients_mail()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
        {
            File.WriteAllText(r.File("smtp.ipmap.tab"), "\"127.0.0.0\"\t\"255.0.0.0\"\t\"DENY\"\t1\n");
            File.AppendAllText(r.File("server.tab"), "\"SMTP-IpMapDropCode\"\t\"0\"\n");
        });
        await using var c = await ConnectAsync(s);
        Assert.Equal("551 Server access forbidden by your IP", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + Convert.ToBase64String("\0xmailuser@xmailserver.test\0xmail"u8.ToArray())));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
    }

    [Fact]
    public async Task Spammers_and_spam_address_tables_refuse()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
        {
            File.WriteAllText(r.File("spam-address.tab"), "\"*@rude.net\"\n");
            File.WriteAllText(r.File("spammers.tab"), "\"10.9.9.0/24\"\n");
        });
        await using var c = await ConnectAsync(s);
        Assert.Equal("504 You are registered as spammer", await CommandAsync(c, "MAIL FROM:<someone@rude.net>"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<someone@nice.net>"));
    }

    [Fact]
    public async Task Smtprelay_tab_network_may_relay()
    {
        await using var s = await TestServer.StartAsync(prepare: r => File.AppendAllText(r.File("smtprelay.tab"), "\"127.0.0.0\"\t\"255.0.0.0\"\n"));
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<victim@example.com>"));
    }
}
