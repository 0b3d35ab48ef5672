using System.Diagnostics;
using System.Net;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>One DNS server on loopback for the whole class: DNS maps, PTR names and sender domains.</summary>
public sealed class SmtpDnsZone : IDisposable
{
    /// <summary>Has the PTR name client.hn.test.</summary>
    public static readonly IPAddress Named = IPAddress.Parse("127.0.0.1");
    /// <summary>Loopback too, but without a PTR record.</summary>
    public static readonly IPAddress Nameless = IPAddress.Parse("127.0.0.3");

    public TestDnsServer Dns { get; } = TestDnsServer.Start(
        "127.0.0.1 PTR client.hn.test",
        // 127.0.0.1 is listed in bl-drop.test and bl-auth.test, nobody in bl-clean.test.
        "1.0.0.127.bl-drop.test A 127.0.0.2",
        "1.0.0.127.bl-auth.test A 127.0.0.2",
        "3.0.0.127.bl-delay.test A 127.0.0.2",
        "mx.test MX 10 mail.mx.test", "mail.mx.test A 127.0.0.9",
        "aonly.test A 127.0.0.8");

    public void Dispose() => Dns.Dispose();
}

/// <summary>
/// "SERVER.TAB VARIABLES" CustMapsList, SMTP-RDNSCheck, CheckMailerDomain (with SmartDNSHost pointing at a real
/// DNS server on loopback) and "SMTP.HNPROP.TAB" (properties by the client's PTR name). Clients on 127.0.0.1 and 127.0.0.3 play a
/// named and a nameless peer.
/// </summary>
public sealed class SmtpDnsChecksTests(SmtpDnsZone zone) : IClassFixture<SmtpDnsZone>
{
    private Task<TestServer> StartAsync(Action<TempMailRoot>? prepare = null) =>
        TestServer.StartAsync(prepare: r =>
        {
            ServerTab(r, ("SmartDNSHost", zone.Dns.SmartDnsHost()));
            prepare?.Invoke(r);
        });

    private static async Task<(LineClient Client, string Banner)> OpenAsync(TestServer s, IPAddress from)
    {
        var c = await LineClient.ConnectAsync(s.Port("SMTP"), from: from);
        return (c, await c.ReadLineAsync() ?? "");
    }

    // ------------------------------------------------------------------ CustMapsList

    [Fact]
    public async Task Listed_in_a_drop_map_gets_xmails_denial_and_is_disconnected()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CustMapsList", "bl-clean.test.:1,bl-drop.test.:1")));
        var (c, banner) = await OpenAsync(s, SmtpDnsZone.Named);
        await using var _ = c;
        Assert.Equal("550 Denied due inclusion of your IP inside (bl-drop.test)", banner);
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task SmtpMsgIPBanMaps_is_the_reply_with_the_map_name()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CustMapsList", "bl-drop.test:1"),
            ("SmtpMsgIPBanMaps", "554 Listed in the following map")));
        var (c, banner) = await OpenAsync(s, SmtpDnsZone.Named);
        await using var _ = c;
        Assert.Equal("554 Listed in the following map (bl-drop.test)", banner);
    }

    [Fact]
    public async Task Not_listed_is_accepted()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CustMapsList", "bl-clean.test:1,bl-drop.test:1")));
        // 127.0.0.3 is in none of the maps.
        await using var c = await ConnectAsync(s, from: SmtpDnsZone.Nameless);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
    }

    [Fact]
    public async Task Code_zero_map_lets_only_authenticated_clients_send()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CustMapsList", "bl-auth.test:0")));
        await using var c = await ConnectAsync(s, from: SmtpDnsZone.Named);
        Assert.Equal("551 Server access forbidden by your IP", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<xmailuser@xmailserver.test>"));
    }

    [Fact]
    public async Task Negative_code_map_delays_every_command()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CustMapsList", "bl-delay.test:-1")));
        await using var listed = await ConnectAsync(s, ehlo: null, from: SmtpDnsZone.Nameless);
        var sw = Stopwatch.StartNew();
        Assert.Equal("250 OK", await CommandAsync(listed, "NOOP"));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(900), $"NOOP answered after {sw.Elapsed}");
        await using var clean = await ConnectAsync(s, ehlo: null, from: SmtpDnsZone.Named);
        sw.Restart();
        Assert.Equal("250 OK", await CommandAsync(clean, "NOOP"));
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(900), $"NOOP answered after {sw.Elapsed}");
    }

    // ------------------------------------------------------------------ SMTP-RDNSCheck

    [Fact]
    public async Task Rdns_check_forbids_mail_from_a_peer_without_ptr_unless_authenticated()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("SMTP-RDNSCheck", "1")));
        await using (var named = await ConnectAsync(s, from: SmtpDnsZone.Named))
            Assert.Equal("250 OK", await CommandAsync(named, "MAIL FROM:<a@example.org>"));

        await using var nameless = await ConnectAsync(s, from: SmtpDnsZone.Nameless);
        Assert.Equal("551 Server use forbidden", await CommandAsync(nameless, "MAIL FROM:<a@example.org>"));
        Assert.Equal("235 Authentication successful", await CommandAsync(nameless, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(nameless, "MAIL FROM:<xmailuser@xmailserver.test>"));
    }

    [Fact]
    public async Task Rdns_check_off_does_not_look_at_ptr()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("SMTP-RDNSCheck", "0")));
        await using var c = await ConnectAsync(s, from: SmtpDnsZone.Nameless);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
    }

    // ------------------------------------------------------------------ CheckMailerDomain

    [Fact]
    public async Task Check_mailer_domain_wants_mx_or_address_records()
    {
        await using var s = await StartAsync(r => ServerTab(r, ("CheckMailerDomain", "1")));
        await using var c = await ConnectAsync(s);
        Assert.Equal("505 Your domain has no DNS/MX entries", await CommandAsync(c, "MAIL FROM:<a@nodns.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@mx.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@aonly.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<xmailuser@xmailserver.test>")); // local: no DNS asked
        Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<>"));
    }

    [Fact]
    public async Task Sender_domain_check_zero_in_ipprop_bypasses_check_mailer_domain()
    {
        await using var s = await StartAsync(r =>
        {
            ServerTab(r, ("CheckMailerDomain", "1"));
            r.Write("smtp.ipprop.tab", "\"127.0.0.3/32\"\t\"SenderDomainCheck=0\"\n");
        });
        await using (var bypassed = await ConnectAsync(s, from: SmtpDnsZone.Nameless))
            Assert.Equal("250 OK", await CommandAsync(bypassed, "MAIL FROM:<a@nodns.test>"));
        await using var checkedPeer = await ConnectAsync(s, from: SmtpDnsZone.Named);
        Assert.Equal("505 Your domain has no DNS/MX entries", await CommandAsync(checkedPeer, "MAIL FROM:<a@nodns.test>"));
    }

    [Fact]
    public async Task Check_mailer_domain_off_accepts_any_domain()
    {
        await using var s = await StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@nodns.test>"));
    }

    // ------------------------------------------------------------------ smtp.hnprop.tab

    [Theory]
    [InlineData("client.hn.test")]
    [InlineData(".hn.test")]
    public async Task Hnprop_whitelist_by_ptr_name_skips_spammers_tab(string hostSpec)
    {
        await using var s = await StartAsync(r =>
        {
            r.Write("spammers.tab", "\"127.0.0.0/8\"\n");
            r.Write("smtp.hnprop.tab", $"\"{hostSpec}\"\t\"WhiteList=1\"\n");
        });
        var (named, banner) = await OpenAsync(s, SmtpDnsZone.Named);
        await using (named)
            Assert.StartsWith("220 ", banner);
        var (nameless, refused) = await OpenAsync(s, SmtpDnsZone.Nameless);
        await using (nameless)
        {
            Assert.Equal("421 Server access forbidden by your IP", refused);
            Assert.True(await nameless.IsClosedByServerAsync());
        }
    }

    [Fact]
    public async Task Hnprop_other_domain_does_not_match()
    {
        await using var s = await StartAsync(r =>
        {
            r.Write("spammers.tab", "\"127.0.0.0/8\"\n");
            r.Write("smtp.hnprop.tab", "\".other.test\"\t\"WhiteList=1\"\n\"hn.test\"\t\"WhiteList=1\"\n");
        });
        var (c, banner) = await OpenAsync(s, SmtpDnsZone.Named);
        await using (c)
            Assert.Equal("421 Server access forbidden by your IP", banner);
    }

    [Fact]
    public async Task Hnprop_ease_tls_drops_want_tls_for_the_named_host()
    {
        await using var s = await StartAsync(r =>
        {
            ServerTab(r, ("SmtpConfig", "WantTLS"));
            r.Write("smtp.hnprop.tab", "\".hn.test\"\t\"EaseTLS=1\"\n");
        });
        await using (var named = await ConnectAsync(s, from: SmtpDnsZone.Named))
            Assert.Equal("250 OK", await CommandAsync(named, "MAIL FROM:<a@example.org>"));
        await using var nameless = await ConnectAsync(s, from: SmtpDnsZone.Nameless);
        Assert.StartsWith("530 ", await CommandAsync(nameless, "MAIL FROM:<a@example.org>"));
    }
}
