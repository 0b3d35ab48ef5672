using XMail.Fast.Protocols.Smtp;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>
/// RFC 4954 section 5, the MAIL FROM AUTH= parameter: only a login made in this session reaches the spool's
/// MAIL FROM line, which message filters (!aex), closed mailing lists and $(USERAUTH) trust.
/// </summary>
public sealed class SmtpAuthParameterTests
{
    [Theory]
    [InlineData("", null, "")]
    [InlineData("AUTH=boss@xmailserver.test", null, "")]
    [InlineData("SIZE=10 auth=<> BODY=8BITMIME", null, "SIZE=10 BODY=8BITMIME")]
    [InlineData("AUTH=boss@xmailserver.test SIZE=10", "me@xmailserver.test", "SIZE=10 AUTH=me@xmailserver.test")]
    [InlineData("", "me@xmailserver.test", "AUTH=me@xmailserver.test")]
    public void Spool_parameters_carry_only_the_session_login(string given, string? login, string expected) =>
        Assert.Equal(expected, EsmtpParameters.ForSpool(given, login));

    [Fact]
    public async Task A_forged_AUTH_parameter_is_not_recorded_and_a_real_login_is()
    {
        await using var s = await TestServer.StartAsync(prepare: CaptureSpool);
        await using (var anon = await ConnectAsync(s))
        {
            Assert.Equal("250 OK", await CommandAsync(anon, "MAIL FROM:<a@example.org> AUTH=xmailuser@xmailserver.test SIZE=20"));
            Assert.Equal("250 OK", await CommandAsync(anon, "RCPT TO:<xmailuser@xmailserver.test>"));
            await CommandAsync(anon, "DATA");
            var id = IdOf(await CommandAsync(anon, "Subject: forged\r\n\r\nx\r\n."));
            var spool = (await SpoolTextAsync(s, id))!.Split("\r\n");
            Assert.Equal("MAIL FROM:<a@example.org> SIZE=20", spool[3]);
        }
        await using var c = await ConnectAsync(s);
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org> AUTH=root@xmailserver.test"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        await CommandAsync(c, "DATA");
        var id2 = IdOf(await CommandAsync(c, "Subject: real\r\n\r\nx\r\n."));
        Assert.Equal("MAIL FROM:<a@example.org> AUTH=xmailuser@xmailserver.test", (await SpoolTextAsync(s, id2))!.Split("\r\n")[3]);
    }

    [Fact]
    public async Task A_forged_AUTH_parameter_does_not_skip_an_aex_filter()
    {
        // filters.in.tab runs a filter that drops every message (exit 4), except for authenticated senders (!aex).
        await using var s = await TestServer.StartAsync(prepare: root =>
            File.AppendAllText(root.File("filters.in.tab"), "\"*\"\t\"*@xmailserver.test\"\t\"0.0.0.0/0\"\t\"0.0.0.0/0\"\t\"f.tab\"\n"));
        var script = Script(s, "drop.sh", "exit 4");
        s.Root.Write("filters/f.tab", $"\"!aex\"\t\"{script}\"\t\"$(FILE)\"\n");
        var inbox = UserDir(s, Domain, "xmailuser");

        await using (var anon = await ConnectAsync(s))
        {
            Assert.Equal("250 OK", await CommandAsync(anon, "MAIL FROM:<spam@example.org> AUTH=xmailuser@xmailserver.test"));
            Assert.Equal("250 OK", await CommandAsync(anon, "RCPT TO:<xmailuser@xmailserver.test>"));
            await CommandAsync(anon, "DATA");
            Assert.StartsWith("250 OK", await CommandAsync(anon, "Subject: forged\r\n\r\nx\r\n."));
        }
        await using (var c = await ConnectAsync(s))
        {
            Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
            Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<me@example.org>"));
            Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
            await CommandAsync(c, "DATA");
            Assert.StartsWith("250 OK", await CommandAsync(c, "Subject: real\r\n\r\nx\r\n."));
        }
        // Both messages are processed in order of arrival; once the real one is in, the forged one was dropped.
        var files = await WaitForMailAsync(inbox);
        Assert.True(await TestServer.WaitUntilAsync(() => !SpoolFiles(s).Any()));
        var all = NewMail(inbox).Select(Read).ToArray();
        Assert.Single(all);
        Assert.Contains("Subject: real", all[0]);
    }

    [Fact]
    public async Task A_forged_AUTH_parameter_does_not_open_a_closed_list()
    {
        // root@ (an alias of xmailuser) may only read the list; xmailuser may post once authenticated (A).
        await using var s = await TestServer.StartAsync(prepare: root =>
        {
            File.AppendAllText(root.File("mailusers.tab"), "\"xmailserver.test\"\t\"club\"\t\"\"\t\"2\"\t\"club\"\t\"M\"\n");
            root.Write("domains/xmailserver.test/club/user.tab", "\"ClosedML\"\t\"1\"\n");
            root.Write("domains/xmailserver.test/club/mlusers.tab",
                "\"xmailuser@xmailserver.test\"\t\"RA\"\n\"root@xmailserver.test\"\t\"R\"\n");
        });
        var inbox = UserDir(s, Domain, "xmailuser");
        await using (var anon = await ConnectAsync(s))
        {
            Assert.Equal("250 OK", await CommandAsync(anon, "MAIL FROM:<root@xmailserver.test> AUTH=xmailuser@xmailserver.test"));
            Assert.Equal("250 OK", await CommandAsync(anon, "RCPT TO:<club@xmailserver.test>"));
            await CommandAsync(anon, "DATA");
            Assert.StartsWith("250 OK", await CommandAsync(anon, "Subject: forged\r\n\r\nx\r\n."));
        }
        // The list refuses the post; the bounce to root@ lands in xmailuser's inbox, and no list copy does.
        const string Refusal = "Mailing list closed to non-members";
        Assert.True(await TestServer.WaitUntilAsync(() => NewMail(inbox).Select(Read).Any(m => m.Contains(Refusal))));
        Assert.True(await TestServer.WaitUntilAsync(() => !SpoolFiles(s).Any()));
        Assert.DoesNotContain(NewMail(inbox).Select(Read), m => m.Contains("Subject: forged") && !m.Contains(Refusal));
    }
}
