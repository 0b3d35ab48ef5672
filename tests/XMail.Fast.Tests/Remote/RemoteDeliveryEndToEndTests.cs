using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Remote;

/// <summary>
/// The whole path: a client relays through XMail.Fast (SMTP → spool → SMAIL → remote delivery) to a scripted peer
/// chosen by smtpfwd.tab; success empties the spool, 5xx bounces to the sender, 4xx keeps the message for retry.
/// </summary>
public sealed class RemoteDeliveryEndToEndTests : IAsyncLifetime
{
    private readonly FakeSmtpPeer _peer = new();

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime: xunit 2 does not call a test class's IAsyncDisposable.
    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private Task<TestServer> StartRelayAsync() => TestServer.StartAsync(prepare: root =>
    {
        root.Write("smtpfwd.tab", $"\"remote.test\"\t\"{_peer.HostPort}\"\n");
        root.Write("smtprelay.tab", "\"127.0.0.1\"\t\"255.0.0.0\"\n");
    });

    private static async Task SubmitAsync(TestServer s, string from, params string[] to)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        foreach (var t in to) m.To.Add(MailboxAddress.Parse(t));
        m.Subject = "relay test";
        m.Body = new TextPart("plain") { Text = "hello\r\n.dot line\r\n" };
        using var c = new SmtpClient();
        await c.ConnectAsync("127.0.0.1", s.Port("SMTP"), SecureSocketOptions.None);
        await c.SendAsync(m);
        await c.DisconnectAsync(true);
    }

    private static string Dump(TestServer s) => string.Join("\n", Directory.EnumerateFiles(s.Root.Path, "*", SearchOption.AllDirectories)
        .Where(f => f.Contains("/spool/") || f.Contains("Maildir") || f.Contains("/logs/")).Select(f => f + ":\n" + SafeRead(f)));

    private static string SafeRead(string f)
    {
        try { return File.ReadAllText(f); } catch (IOException) { return "(busy)"; }
    }

    private static int SpoolFiles(TestServer s, string folder) =>
        Directory.EnumerateFiles(Path.Combine(s.Root.Path, "spool"), "*", SearchOption.AllDirectories)
            .Count(f => Path.GetFileName(Path.GetDirectoryName(f)) == folder);

    private static int MaildirMessages(TestServer s) =>
        Directory.Exists(s.Root.File("domains/xmailserver.test/xmailuser/Maildir/new"))
            ? Directory.GetFiles(s.Root.File("domains/xmailserver.test/xmailuser/Maildir/new")).Length : 0;

    [Fact]
    public async Task Relayed_message_reaches_the_smtpfwd_gateway_and_leaves_the_spool()
    {
        await using var s = await StartRelayAsync();
        await SubmitAsync(s, "xmailuser@xmailserver.test", "a@remote.test", "b@remote.test");
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Messages.Count == 1));
        var m = _peer.Messages.Single();
        Assert.Equal("xmailuser@xmailserver.test", m.MailFrom);
        Assert.Equal(["a@remote.test", "b@remote.test"], m.Rcpts.Order());
        Assert.Contains("\r\n..dot line\r\n", System.Text.Encoding.Latin1.GetString(m.WireBody));
        Assert.True(await TestServer.WaitUntilAsync(() => SpoolFiles(s, "mess") == 0 && SpoolFiles(s, "rsnd") == 0));
    }

    [Fact]
    public async Task Permanent_rejection_bounces_to_the_local_sender()
    {
        _peer.RcptReply = _ => "550 5.1.1 no such user here";
        await using var s = await StartRelayAsync();
        await SubmitAsync(s, "xmailuser@xmailserver.test", "gone@remote.test");
        // The sender's bounce (and the postmaster copy: root is an alias of xmailuser in the fixture) carry the reply.
        bool bounced = await TestServer.WaitUntilAsync(() => MaildirMessages(s) >= 1, TimeSpan.FromSeconds(20));
        Assert.True(bounced, bounced ? "" : Dump(s));
        Assert.All(Directory.GetFiles(s.Root.File("domains/xmailserver.test/xmailuser/Maildir/new")),
            f => Assert.Contains("550 5.1.1 no such user here", File.ReadAllText(f)));
        Assert.Empty(_peer.Messages);
    }

    [Fact]
    public async Task Temporary_failure_keeps_the_message_for_retry_then_delivers_once()
    {
        _peer.RcptReply = a => a.StartsWith("later") ? "451 4.3.0 try later" : "250 OK";
        await using var s = await StartRelayAsync();
        await SubmitAsync(s, "xmailuser@xmailserver.test", "now@remote.test", "later@remote.test");
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Messages.Count == 1 && SpoolFiles(s, "rsnd") + SpoolFiles(s, "mess") == 1, TimeSpan.FromSeconds(20)));
        Assert.True(await TestServer.WaitUntilAsync(() => SpoolFiles(s, "slog") == 1));
        _peer.RcptReply = _ => "250 OK";
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Messages.Count == 2, TimeSpan.FromSeconds(30)));
        // The retry carries only the recipient that was not accepted the first time.
        Assert.Equal(["later@remote.test"], _peer.Messages.Last().Rcpts);
        Assert.True(await TestServer.WaitUntilAsync(() => SpoolFiles(s, "rsnd") + SpoolFiles(s, "mess") == 0, TimeSpan.FromSeconds(20)));
    }
}
