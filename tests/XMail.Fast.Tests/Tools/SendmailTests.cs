using System.Text;
using System.Text.RegularExpressions;
using XMail.Fast.Core.Config;
using XMail.Fast.Tools.Sendmail;

namespace XMail.Fast.Tests.Tools;

/// <summary>"sendmail" and "XMAIL LOCAL MAILER": messages become spool/local files LMAIL picks up.</summary>
public class SendmailTests
{
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 24, 15, 43, 39, TimeSpan.Zero);
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    private const string Date = "Tue, 24 Nov 2026 15:43:39 +0000";

    private sealed class Spool : IDisposable
    {
        private readonly TempDir _dir = new("sendmail");

        public Spool()
        {
            new MailRoot(_dir.Path).EnsureLayout();
        }

        public string Root => _dir.Path;
        public string Local => _dir.Combine("spool", "local");
        public string Temp => _dir.Combine("spool", "temp");

        public Dictionary<string, string?> Env(params (string, string?)[] more)
        {
            var env = new Dictionary<string, string?> { ["MAIL_ROOT"] = Root, ["USER"] = "joe", ["HOSTNAME"] = "host.test", ["DEFAULT_DOMAIN"] = null };
            foreach (var (k, v) in more) env[k] = v;
            return env;
        }

        /// <summary>The one file LMAIL would pick up, as text; spool/temp must be empty again.</summary>
        public string SingleDrop()
        {
            Assert.Empty(Directory.GetFiles(Temp));
            var file = Assert.Single(Directory.GetFiles(Local));
            return File.ReadAllText(file, Encoding.Latin1);
        }

        public void Dispose() => _dir.Dispose();
    }

    private static (int Code, string Stderr) Run(Spool spool, string stdin, string[] args, params (string, string?)[] env)
    {
        var vars = spool.Env(env);
        var stderr = new StringWriter();
        int code = SendmailRunner.Run(args, k => vars.GetValueOrDefault(k), new MemoryStream(Encoding.Latin1.GetBytes(stdin)), stderr, new FixedTime());
        return (code, stderr.ToString());
    }

    [Fact]
    public void Writes_the_local_mailer_format_and_stops_at_a_lone_dot()
    {
        using var spool = new Spool();
        var (code, stderr) = Run(spool, "Subject: hi\n\nbody line\n.\nnot part of it\n", ["-fxmailuser@smartdomain", "user1@dom1", "user2@dom2"]);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(
            "mail from:<xmailuser@smartdomain>\r\n" +
            "rcpt to:<user1@dom1>\r\n" +
            "rcpt to:<user2@dom2>\r\n" +
            "\r\n" +
            "Subject: hi\r\n" +
            "From: <xmailuser@smartdomain>\r\n" +
            $"Date: {Date}\r\n" +
            "\r\n" +
            "body line\r\n",
            spool.SingleDrop());
    }

    [Fact]
    public void File_name_is_stime_seqnr_pid_hostname()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "Subject: x\n\nb\n", ["a@b"]).Code);
        var name = Path.GetFileName(Assert.Single(Directory.GetFiles(spool.Local)));
        var stime = new FixedTime().GetUtcNow().ToUnixTimeSeconds();
        Assert.Matches(new Regex($@"^{stime}-001\.{Environment.ProcessId}\.[^/\\]+$"), name);

        Assert.Equal(0, Run(spool, "Subject: y\n\nb\n", ["a@b"]).Code);
        var names = Directory.GetFiles(spool.Local).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(2, names.Length);
        Assert.StartsWith($"{stime}-002.", names[1]);
    }

    [Fact]
    public void Minus_i_reads_to_the_end_and_keeps_dot_lines()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "From: a@b\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\none\n.\ntwo", ["-i", "r@x"]).Code);
        var drop = spool.SingleDrop();
        Assert.EndsWith("\r\n\r\nFrom: a@b\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\none\r\n.\r\ntwo\r\n", drop);
        Assert.Single(Regex.Matches(drop, "^From:", RegexOptions.Multiline));
        Assert.Single(Regex.Matches(drop, "^Date:", RegexOptions.Multiline));
    }

    [Fact]
    public void Minus_t_takes_recipients_from_To_Cc_Bcc_and_removes_Bcc()
    {
        using var spool = new Spool();
        const string msg =
            "To: Alice <alice@x.test>, \"Last, First\" <first@y.test>\n" +
            "Cc: carol@z.test,\n" +
            "  dave@z.test (Dave)\n" +
            "Bcc: hidden@z.test,\n" +
            "\tsecret@z.test\n" +
            "Subject: team\n" +
            "\n" +
            "To: body@not.a.header\n";
        Assert.Equal(0, Run(spool, msg, ["-t", "-f", "me@here.test", "cmdline@x.test"]).Code);
        var drop = spool.SingleDrop();
        Assert.StartsWith(
            "mail from:<me@here.test>\r\n" +
            "rcpt to:<cmdline@x.test>\r\n" +
            "rcpt to:<alice@x.test>\r\n" +
            "rcpt to:<first@y.test>\r\n" +
            "rcpt to:<carol@z.test>\r\n" +
            "rcpt to:<dave@z.test>\r\n" +
            "rcpt to:<hidden@z.test>\r\n" +
            "rcpt to:<secret@z.test>\r\n" +
            "\r\n", drop);
        Assert.DoesNotContain("Bcc:", drop);
        Assert.DoesNotContain("secret@z.test\r\n\r\n", drop.Split("\r\n\r\n", 2)[1]);
        Assert.Contains("Cc: carol@z.test,\r\n  dave@z.test (Dave)\r\n", drop);
        Assert.DoesNotContain("<body@not.a.header>", drop);
    }

    [Fact]
    public void Minus_F_sets_the_display_sender_and_the_envelope_address()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "Subject: s\n\nb\n", ["-F", "Joe Smith <joe@smith.test>", "r@x.test"]).Code);
        var drop = spool.SingleDrop();
        Assert.StartsWith("mail from:<joe@smith.test>\r\n", drop);
        Assert.Contains("\r\nFrom: Joe Smith <joe@smith.test>\r\n", drop);
    }

    [Fact]
    public void Default_sender_is_the_user_at_the_host_and_DEFAULT_DOMAIN_completes_bare_names()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "Subject: s\n\nb\n", ["r@x.test"]).Code);
        Assert.StartsWith("mail from:<joe@host.test>\r\n", spool.SingleDrop());

        using var spool2 = new Spool();
        Assert.Equal(0, Run(spool2, "Subject: s\n\nb\n", ["-fadmin", "bob"], ("DEFAULT_DOMAIN", "corp.test")).Code);
        Assert.StartsWith("mail from:<admin@corp.test>\r\nrcpt to:<bob@corp.test>\r\n\r\n", spool2.SingleDrop());
    }

    [Fact]
    public void A_message_without_headers_gets_From_Date_and_a_separator()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "just text\nmore\n", ["-f", "a@b.test", "r@x.test"]).Code);
        Assert.EndsWith($"\r\n\r\nFrom: <a@b.test>\r\nDate: {Date}\r\n\r\njust text\r\nmore\r\n", spool.SingleDrop());
    }

    [Fact]
    public void Input_rcpt_and_xinput_files()
    {
        using var spool = new Spool();
        var msg = Path.Combine(spool.Root, "msg.txt");
        var rcpts = Path.Combine(spool.Root, "rcpts.txt");
        File.WriteAllText(msg, "Subject: from file\r\n\r\nbody\r\n");
        File.WriteAllText(rcpts, "one@list.test\nTwo <two@list.test>\nnot-an-address\n");
        Assert.Equal(0, Run(spool, "ignored", ["-f", "a@b.test", "--input-file", msg, "--rcpt-file", rcpts, "--", "first@x.test"]).Code);
        var drop = spool.SingleDrop();
        Assert.StartsWith("mail from:<a@b.test>\r\nrcpt to:<first@x.test>\r\nrcpt to:<one@list.test>\r\nrcpt to:<two@list.test>\r\n\r\nSubject: from file\r\n", drop);

        using var spool2 = new Spool();
        var xmsg = Path.Combine(spool2.Root, "x.txt");
        File.WriteAllText(xmsg, "127.0.0.1:25\r\nmail from:<old@x>\r\nrcpt to:<old@y>\r\n<<MAIL-DATA>>\r\nSubject: spooled\r\n\r\nbody\r\n");
        Assert.Equal(0, Run(spool2, "", ["-f", "a@b.test", "--xinput-file", xmsg, "new@x.test"]).Code);
        var drop2 = spool2.SingleDrop();
        Assert.Contains("\r\n\r\nSubject: spooled\r\n", drop2);
        Assert.DoesNotContain("old@", drop2);
    }

    [Fact]
    public void Eight_bit_body_bytes_pass_unchanged()
    {
        using var spool = new Spool();
        var body = new byte[] { 0xE9, 0x00, 0xFF, (byte)'x' };
        var input = Encoding.ASCII.GetBytes("Subject: b\n\n").Concat(body).Concat("\n"u8.ToArray()).ToArray();
        var vars = spool.Env();
        Assert.Equal(0, SendmailRunner.Run(["r@x.test"], k => vars.GetValueOrDefault(k), new MemoryStream(input), new StringWriter(), new FixedTime()));
        var bytes = File.ReadAllBytes(Assert.Single(Directory.GetFiles(spool.Local)));
        Assert.EndsWith(Encoding.Latin1.GetString(body) + "\r\n", Encoding.Latin1.GetString(bytes));
    }

    [Theory]
    [InlineData(new string[0], 2)]                                  // no recipient at all
    [InlineData(new[] { "-t" }, 7)]                                 // -t but no To/Cc/Bcc
    [InlineData(new[] { "bad\r\naddr@x" }, 2)]                      // would break the envelope
    [InlineData(new[] { "--input-file", "/nonexistent/m", "r@x" }, 3)]
    [InlineData(new[] { "--rcpt-file", "/nonexistent/r" }, 6)]
    public void Failures_exit_with_XMail_codes_and_leave_no_files(string[] args, int expected)
    {
        using var spool = new Spool();
        var (code, stderr) = Run(spool, "Subject: s\n\nb\n", args);
        Assert.Equal(expected, code);
        Assert.NotEqual("", stderr);
        Assert.Empty(Directory.GetFiles(spool.Local));
        Assert.Empty(Directory.GetFiles(spool.Temp));
    }

    [Fact]
    public void Missing_or_invalid_MAIL_ROOT_exits_1()
    {
        using var spool = new Spool();
        var (code, stderr) = Run(spool, "", ["r@x"], ("MAIL_ROOT", null));
        Assert.Equal(1, code);
        Assert.Contains("MAIL_ROOT", stderr);
        (code, stderr) = Run(spool, "", ["r@x"], ("MAIL_ROOT", Path.Combine(spool.Root, "nope")));
        Assert.Equal(1, code);
        Assert.Contains("nope", stderr);
    }

    [Fact]
    public void MailRoot_without_spool_temp_exits_4()
    {
        using var dir = new TempDir("sendmail-nospool");
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["MAIL_ROOT"] = dir.Path, ["USER"] = "joe" };
        int code = SendmailRunner.Run(["r@x.test"], k => env.GetValueOrDefault(k), new MemoryStream("Subject: s\n\nb\n"u8.ToArray()), stderr, new FixedTime());
        Assert.Equal(4, code);
        Assert.Contains("spool", stderr.ToString());
    }

    [Fact]
    public void Ignored_options_do_not_become_recipients()
    {
        using var spool = new Spool();
        Assert.Equal(0, Run(spool, "Subject: s\n\nb\n", ["-oi", "-odi", "-v", "-N", "never", "-f", "a@b.test", "r@x.test"]).Code);
        Assert.StartsWith("mail from:<a@b.test>\r\nrcpt to:<r@x.test>\r\n\r\n", spool.SingleDrop());
    }

    [Fact]
    public void Recipient_extractor_handles_groups_comments_and_quotes()
    {
        var list = new List<string>();
        RecipientExtractor.Extract("team: a@x.test, \"B, b\" <b@x.test>; c@x.test (C <fake@x.test>), undisclosed-recipients:;", list);
        Assert.Equal(["a@x.test", "b@x.test", "c@x.test"], list);
    }

    [Fact]
    public void Executable_drops_a_file_for_LMAIL()
    {
        using var spool = new Spool();
        var r = ToolProcess.Run("sendmail", ["-fme@x.test", "you@y.test"], Encoding.ASCII.GetBytes("Subject: exe\n\nhello\n.\n"),
            new Dictionary<string, string?> { ["MAIL_ROOT"] = spool.Root });
        Assert.Equal(0, r.ExitCode);
        var drop = spool.SingleDrop();
        Assert.StartsWith("mail from:<me@x.test>\r\nrcpt to:<you@y.test>\r\n\r\nSubject: exe\r\n", drop);
        Assert.EndsWith("\r\n\r\nhello\r\n", drop);

        var noRoot = ToolProcess.Run("sendmail", ["you@y.test"], [], new Dictionary<string, string?> { ["MAIL_ROOT"] = null });
        Assert.Equal(1, noRoot.ExitCode);
        Assert.Contains("MAIL_ROOT", noRoot.Stderr);
    }
}
