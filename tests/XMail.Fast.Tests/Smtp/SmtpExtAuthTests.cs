using System.Text;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTPEXTAUTH.TAB": AUTH checked by an external program (a shell script here) with @@ macros and an RFILE of Perms.</summary>
public sealed class SmtpExtAuthTests
{
    // Logs its macros, then: relay@ext.test (Perms=MR) and plain@ext.test (Perms=M) need password s3cret;
    // cram@ext.test needs the digest "feedface" and writes no RFILE (DefaultSmtpPerms apply).
    private const string Script = """
        log=$1; shift
        printf '%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" >> "$log"
        case "$2" in
          relay@ext.test) [ "$3" = "s3cret" ] || exit 1; echo "Perms=MR" > "$6"; exit 0;;
          plain@ext.test) [ "$3" = "s3cret" ] || exit 1; printf 'Other=1\nPerms=M\n' > "$6"; exit 0;;
          cram@ext.test) [ "$5" = "feedface" ] || exit 1; exit 0;;
        esac
        exit 1
        """;

    private static Task<TestServer> StartAsync(params string[] mechanisms) => TestServer.StartAsync(prepare: r =>
    {
        r.Write("extauth.sh", Script.Replace("\r\n", "\n") + "\n");
        var lines = mechanisms.Select(m =>
            $"\"{m}\"\t\"/bin/sh\"\t\"{r.File("extauth.sh")}\"\t\"{r.File("extauth.log")}\"\t\"@@AUTH\"\t\"@@USER\"\t\"@@PASS\"\t\"@@CHALL\"\t\"@@DGEST\"\t\"@@RFILE\"\n");
        r.Write("smtpextauth.tab", string.Concat(lines));
    });

    private static string[] Log(TestServer s) =>
        File.Exists(s.Root.File("extauth.log")) ? File.ReadAllLines(s.Root.File("extauth.log")) : [];

    [Fact]
    public async Task Ehlo_offers_only_the_listed_mechanisms()
    {
        await using var s = await StartAsync("PLAIN", "LOGIN");
        await using var c = await ConnectAsync(s, ehlo: null);
        await c.SendLineAsync("EHLO kit.test");
        var ehlo = await ReadReplyAsync(c);
        Assert.Contains("250-AUTH PLAIN LOGIN", ehlo);
        Assert.Equal("504 Unrecognized authentication type", await CommandAsync(c, "AUTH CRAM-MD5"));
    }

    [Fact]
    public async Task Plain_success_takes_perms_from_rfile()
    {
        await using var s = await StartAsync("PLAIN", "LOGIN", "CRAM-MD5");
        await using var c = await ConnectAsync(s);
        Assert.Equal("235 Authentication successful", await CommandAsync(c, "AUTH PLAIN " + B64("\0relay@ext.test\0s3cret")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<relay@ext.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<someone@example.com>")); // R from the RFILE
        Assert.Equal(["PLAIN|relay@ext.test|s3cret||"], Log(s));
        // The RFILE is the server's temporary file: gone once AUTH is answered.
        Assert.Empty(Directory.EnumerateFiles(s.Context.Spool.TempDir, "smtpea.*"));
    }

    [Fact]
    public async Task Failure_exit_code_and_builtin_accounts_are_refused()
    {
        await using var s = await StartAsync("PLAIN", "LOGIN");
        await using var c = await ConnectAsync(s);
        Assert.Equal("503 Authentication failed", await CommandAsync(c, "AUTH PLAIN " + B64("\0relay@ext.test\0wrong")));
        // mailusers.tab is not asked while smtpextauth.tab has records.
        Assert.Equal("503 Authentication failed", await CommandAsync(c, "AUTH PLAIN " + B64("\0xmailuser@xmailserver.test\0xmail")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("550 Relay denied", await CommandAsync(c, "RCPT TO:<someone@example.com>"));
    }

    [Fact]
    public async Task Login_with_perms_without_relay()
    {
        await using var s = await StartAsync("PLAIN", "LOGIN");
        await using var c = await ConnectAsync(s);
        Assert.Equal("334 VXNlcm5hbWU6", await CommandAsync(c, "AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await CommandAsync(c, B64("plain@ext.test")));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, B64("s3cret")));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<plain@ext.test>"));
        Assert.Equal("550 Relay denied", await CommandAsync(c, "RCPT TO:<someone@example.com>"));
        Assert.Equal(["LOGIN|plain@ext.test|s3cret||"], Log(s));
    }

    [Fact]
    public async Task Cram_md5_passes_challenge_and_digest_and_defaults_perms()
    {
        await using var s2 = await StartAsync("CRAM-MD5");
        await using var c = await ConnectAsync(s2);
        var challenge64 = await CommandAsync(c, "AUTH CRAM-MD5");
        Assert.StartsWith("334 ", challenge64);
        var challenge = Encoding.Latin1.GetString(Convert.FromBase64String(challenge64[4..]));
        Assert.Equal("235 Authentication successful", await CommandAsync(c, B64("cram@ext.test feedface")));
        Assert.Equal([$"CRAM-MD5|cram@ext.test||{challenge}|feedface"], Log(s2));
        // No RFILE: DefaultSmtpPerms (MR by default) apply.
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<cram@ext.test>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<someone@example.com>"));

        await using var c2 = await ConnectAsync(s2);
        await CommandAsync(c2, "AUTH CRAM-MD5");
        Assert.Equal("503 Authentication failed", await CommandAsync(c2, B64("cram@ext.test deadbeef")));
    }
}
