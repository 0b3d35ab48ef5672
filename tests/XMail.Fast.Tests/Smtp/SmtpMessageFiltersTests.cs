using System.Text.RegularExpressions;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTP MESSAGE FILTERS": filters.post-rcpt.tab and filters.pre-data.tab, exit code 3 (+16), $(FILE).rej, flags.</summary>
public sealed class SmtpMessageFiltersTests
{
    /// <summary>Writes a shell script into the MailRoot and a filter table that runs it with the given macros.</summary>
    private static void Filter(TempMailRoot r, string table, string script, params string[] args)
    {
        var name = table + ".sh";
        r.Write(name, script.Replace("\r\n", "\n") + "\n");
        var fields = new[] { "/bin/sh", r.File(name) }.Concat(args).Select(f => "\"" + f + "\"");
        File.AppendAllText(r.File(table), string.Join("\t", fields) + "\n");
    }

    private static async Task<LineClient> TransactionAsync(TestServer s, string from = "a@example.org")
    {
        var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, $"MAIL FROM:<{from}>"));
        return c;
    }

    // ------------------------------------------------------------------ post-rcpt

    private const string RcptScript = """
        echo "$2 $3" >> "$(dirname "$1")/../../rcpt.log"
        case "$2" in
          root@xmailserver.test) echo "553 Root takes no mail today" > "$1.rej"; exit 3;;
          postmaster@xmailserver.test) exit 19;;
        esac
        exit 0
        """;

    [Fact]
    public async Task Post_rcpt_exit_3_refuses_the_recipient_with_the_rej_text()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
            Filter(r, "filters.post-rcpt.tab", RcptScript.Replace("$(dirname \"$1\")/../../rcpt.log", r.File("rcpt.log")), "@@FILE", "@@CRCPT", "@@RRCPT"));
        await using var c = await TransactionAsync(s);
        Assert.Equal("553 Root takes no mail today", await CommandAsync(c, "RCPT TO:<root@xmailserver.test>"));
        Assert.Equal("550 Recipient rejected", await CommandAsync(c, "RCPT TO:<postmaster@xmailserver.test>")); // 3+16, no .rej
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        Assert.StartsWith("250 OK <", await CommandAsync(c, "Subject: t\r\n\r\nbody\r\n."));
        // CRCPT is the address as given, RRCPT after aliases (root → xmailuser).
        Assert.Equal(["root@xmailserver.test xmailuser@xmailserver.test", "postmaster@xmailserver.test xmailuser@xmailserver.test",
            "xmailuser@xmailserver.test xmailuser@xmailserver.test"], File.ReadAllLines(s.Root.File("rcpt.log")));
        // The info file and its .rej are removed.
        Assert.Empty(Directory.EnumerateFiles(s.Context.Spool.TempDir, "smtpf.*"));
    }

    [Fact]
    public async Task Other_exit_codes_accept_and_16_stops_the_list()
    {
        await using var s = await TestServer.StartAsync(prepare: r =>
        {
            Filter(r, "filters.post-rcpt.tab", "exit 16");
            File.AppendAllText(r.File("filters.post-rcpt.tab"), "\"/bin/sh\"\t\"-c\"\t\"exit 3\"\n"); // never reached
        });
        await using var c = await TransactionAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
    }

    // ------------------------------------------------------------------ pre-data

    private const string PreDataScript = """
        cp "$1" "$2"
        if grep -q '^MAIL FROM:<spammer@' "$1"; then echo "554 No spam please" > "$1.rej"; exit 3; fi
        if grep -q '^MAIL FROM:<quiet@' "$1"; then exit 3; fi
        if grep -q '^MAIL FROM:<liar@' "$1"; then echo "250 fine, really" > "$1.rej"; exit 3; fi
        exit 0
        """;

    private static Task<TestServer> PreDataServerAsync(string flags = "") => TestServer.StartAsync(prepare: r =>
    {
        Filter(r, "filters.pre-data.tab", PreDataScript, "@@FILE", r.File("predata.copy"));
        if (flags.Length > 0)
            File.WriteAllText(r.File("filters.pre-data.tab"), "\"" + flags + "\"\t" + File.ReadAllText(r.File("filters.pre-data.tab")));
    });

    [Theory]
    [InlineData("spammer@example.org", "554 No spam please")]
    [InlineData("quiet@example.org", "554 Transaction failed")]
    [InlineData("liar@example.org", "554 fine, really")] // a .rej must not turn a refusal into "250"
    public async Task Pre_data_exit_3_refuses_data_and_ends_the_transaction(string from, string expected)
    {
        await using var s = await PreDataServerAsync();
        await using var c = await TransactionAsync(s, from);
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal(expected, await CommandAsync(c, "DATA"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
    }

    [Fact]
    public async Task Pre_data_file_has_info_domain_id_mail_and_rcpt_lines()
    {
        await using var s = await PreDataServerAsync();
        await using var c = await TransactionAsync(s, "good@example.org");
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<root@xmailserver.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        var id = IdOf(await CommandAsync(c, "Subject: t\r\n\r\nbody\r\n."));
        var lines = File.ReadAllText(s.Root.File("predata.copy")).Split("\r\n");
        Assert.Matches(new Regex(@"^kit\.test;\[127\.0\.0\.1\]:\d+;[^;]+;\[127\.0\.0\.1\]:\d+;[^;]+;\[XMail\.Fast [^\]]*ESMTP Server\]$"), lines[0]);
        Assert.Equal(s.Context.Config.SmtpServerDomain, lines[1]);
        Assert.Equal(id, lines[2]);
        Assert.Equal("MAIL FROM:<good@example.org>", lines[3]);
        Assert.Equal("RCPT TO:<root@xmailserver.test> {ra=xmailuser@xmailserver.test}", lines[4]);
        Assert.Equal("RCPT TO:<xmailuser@xmailserver.test> {ra=xmailuser@xmailserver.test}", lines[5]);
    }

    [Fact]
    public async Task Aex_flag_skips_the_filter_for_authenticated_senders()
    {
        await using var s = await PreDataServerAsync("!aex");
        await using (var anon = await TransactionAsync(s, "spammer@example.org"))
        {
            Assert.Equal("250 OK", await CommandAsync(anon, "RCPT TO:<xmailuser@xmailserver.test>"));
            Assert.Equal("554 No spam please", await CommandAsync(anon, "DATA"));
        }
        await using var c = await ConnectAsync(s);
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<spammer@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        Assert.StartsWith("250 OK <", await CommandAsync(c, "Subject: t\r\n\r\nbody\r\n."));
    }

    /// <summary>timeo=0 is a timeout of 0, "nowait" in the spec: the filter starts, its exit code decides nothing.</summary>
    [Fact]
    public async Task Timeo_0_starts_the_filter_without_waiting_so_it_cannot_refuse()
    {
        await using var s = await PreDataServerAsync("!timeo=0");
        await using var c = await TransactionAsync(s, "spammer@example.org");
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
    }
}
