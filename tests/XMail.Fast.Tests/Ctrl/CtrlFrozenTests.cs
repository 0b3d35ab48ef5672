using System.Globalization;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"Listing frozen messages" … "Getting frozen message", "Starting a queue flush" (spool/L0/L1/froz, slog, rsnd).</summary>
public sealed class CtrlFrozenTests
{
    private const string Name = "1795535023210.7f554a7fc6c0.41ba.72.vm";
    private const long PeekTime = 1795535023;

    private static readonly string[] Message =
    [
        "[127.0.0.1]:44266;[127.0.0.1]:21025;Tue, 24 Nov 2026 15:43:43 -0000", "xmailserver.test", "S3", "MAIL FROM:<>",
        "RCPT TO:<xmailuser@xmailserver.test>", "<<MAIL-DATA>>", "Received: from kit.test ([127.0.0.1]:44266)",
        "\tby xmailserver.test with [XMail 1.27 ESMTP Server]", "Subject: frozen by loop check", "", "body", ".dot line", "..two",
    ];

    private static readonly string[] Log =
    [
        "[PeekTime] 1795535023 : Tue, 24 Nov 2026 15:43:43 -0000", "<<", "ErrCode   = -163", "ErrString = Mail loop detected",
        "Message <S3> blocked by mail loop check !", "SMTP-Error = \"554 Message blocked by mail loop check\"", ">>",
    ];

    private static void WriteFrozen(TempMailRoot root, string state = "froz", string name = Name, bool withLog = true)
    {
        foreach (var dir in new[] { "froz", "mess", "rsnd", "slog", "info", "temp", "lock", "mprc", "cust" })
            Directory.CreateDirectory(root.File($"spool/14/14/{dir}"));
        File.WriteAllText(root.File($"spool/14/14/{state}/{name}"), string.Join("\r\n", Message) + "\r\n");
        if (withLog) File.WriteAllText(root.File($"spool/14/14/slog/{name}"), string.Join("\n", Log) + "\n");
    }

    [Fact]
    public async Task Frozlist_frozgetlog_frozgetmsg_as_observed()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => WriteFrozen(r));
        await using var c = await CtrlTestClient.LoginAsync(s);
        var size = new FileInfo(s.Root.File($"spool/14/14/froz/{Name}")).Length;
        var time = DateTimeOffset.FromUnixTimeSeconds(PeekTime).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.Equal([CtrlTestClient.Line(Name, "14", "14", "<>", "<xmailuser@xmailserver.test>", time, size.ToString(), "1", "froz")],
            await c.ListAsync("frozlist"));
        Assert.Equal(Log, await c.ListAsync("frozgetlog", "14", "14", Name));
        // The message goes out line by line, dot-stuffed.
        Assert.Equal(Message.Select(l => l.StartsWith('.') ? "." + l : l), await c.ListAsync("frozgetmsg", "14", "14", Name));
    }

    [Theory]
    [InlineData("14", "14", "../mess/x")]
    [InlineData("14", "14", "..")]
    [InlineData("../14", "14", Name)]
    [InlineData("-1", "14", Name)]
    [InlineData("14", "14", "no-such-file")]
    [InlineData("99", "0", Name)]
    public async Task Bad_or_unknown_references_answer_spool_file_not_found(string l0, string l1, string name)
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => WriteFrozen(r));
        await using var c = await CtrlTestClient.LoginAsync(s);
        foreach (var cmd in new[] { "frozgetmsg", "frozgetlog", "frozsubmit", "frozdel" })
            Assert.Equal("-00054 Spool file not found", await c.CommandAsync(cmd, l0, l1, name));
        Assert.True(File.Exists(s.Root.File($"spool/14/14/froz/{Name}")));
        Assert.StartsWith("-00103 ", await c.CommandAsync("frozdel", "14", "14"));
    }

    [Fact]
    public async Task Frozdel_removes_the_message_and_its_log()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => WriteFrozen(r));
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("frozdel", "14", "14", Name));
        Assert.False(File.Exists(s.Root.File($"spool/14/14/froz/{Name}")));
        Assert.False(File.Exists(s.Root.File($"spool/14/14/slog/{Name}")));
        Assert.Empty(await c.ListAsync("frozlist"));
    }

    [Fact]
    public async Task Frozsubmit_moves_the_message_back_to_the_queue_with_a_fresh_log()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => WriteFrozen(r));
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("frozsubmit", "14", "14", Name));
        Assert.False(File.Exists(s.Root.File($"spool/14/14/froz/{Name}")));
        Assert.Empty(await c.ListAsync("frozlist"));
        // Handed to the SMAIL queue: either still in mess/ or already delivered to the local mailbox.
        var newDir = s.Root.File("domains/xmailserver.test/xmailuser/Maildir/new");
        Assert.True(await TestServer.WaitUntilAsync(() =>
            File.Exists(s.Root.File($"spool/14/14/mess/{Name}")) || Directory.Exists(newDir) && Directory.EnumerateFiles(newDir).Any()));
    }

    [Fact]
    public async Task Etrn_requeues_matching_rsnd_messages_only()
    {
        // info/ says the next try is an hour away, so only etrn (not the SMAIL retry timer) can move it.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await using var s = await CtrlServer.StartAsync(prepare: r =>
        {
            WriteFrozen(r, state: "rsnd", withLog: false);
            r.Write($"spool/14/14/info/{Name}", $"1\t{now + 3600}\t{now}\n");
        });
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.StartsWith("-00103 ", await c.CommandAsync("etrn"));
        Assert.Equal("+00000 OK", await c.CommandAsync("etrn", "*@other.test"));
        Assert.True(File.Exists(s.Root.File($"spool/14/14/rsnd/{Name}")));
        Assert.Equal("+00000 OK", await c.CommandAsync("etrn", "*@other.test", "*@XMAILSERVER.test"));
        Assert.False(File.Exists(s.Root.File($"spool/14/14/rsnd/{Name}")));
    }
}
