using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using XMail.Fast.Core.Tab;
using XMail.Fast.Tests.Ctrl;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tests.Remote;
using XMail.Fast.Tests.Smtp;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>
/// Outbound DKIM end to end: keys made and published through CTRL (dkimkeyadd/dkimkeytxt/dkimkeylist/dkimkeydel),
/// a relayed message signed by both keys once for the whole pass (two destination domains get the same signatures),
/// and python3-dkim verifying what the next hop received.
/// </summary>
public sealed class DkimSigningEndToEndTests : IAsyncLifetime
{
    private readonly FakeSmtpPeer _peer = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-dkim-e2e-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Task<TestServer> StartAsync(bool sign) => CtrlServer.StartAsync(prepare: root =>
    {
        root.Write("smtpfwd.tab", $"\"remote.test\"\t\"{_peer.HostPort}\"\n\"other.test\"\t\"{_peer.HostPort}\"\n");
        root.Write("smtprelay.tab", "\"127.0.0.1\"\t\"255.0.0.0\"\n");
        if (sign) SmtpTestKit.ServerTab(root, ("DkimSign", "1"));
    });

    private static async Task SubmitAsync(TestServer s, string from, params string[] to)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        foreach (var t in to) m.To.Add(MailboxAddress.Parse(t));
        m.Subject = "signed on the way out";
        m.Body = new TextPart("plain") { Text = "hello\r\n.dot line\r\n" };
        using var c = new SmtpClient();
        await c.ConnectAsync("127.0.0.1", s.Port("SMTP"), SecureSocketOptions.None);
        await c.SendAsync(m);
        await c.DisconnectAsync(true);
    }

    [Fact]
    public async Task RelayedMailIsSignedOncePerPassByEveryKeyAndVerifiesInDkimpy()
    {
        await using var s = await StartAsync(sign: true);
        await using (var ctrl = await CtrlTestClient.LoginAsync(s))
        {
            var rsa = await ctrl.ListAsync("dkimkeyadd", "xmailserver.test", "r2026", "rsa");
            var ed = await ctrl.ListAsync("dkimkeyadd", "xmailserver.test", "e2026", "ed25519");
            Assert.StartsWith("\"r2026._domainkey.xmailserver.test\"\t\"v=DKIM1; k=rsa; p=", Assert.Single(rsa));
            Assert.StartsWith("\"e2026._domainkey.xmailserver.test\"\t\"v=DKIM1; k=ed25519; p=", Assert.Single(ed));
            Assert.Equal(rsa, await ctrl.ListAsync("dkimkeytxt", "xmailserver.test", "r2026"));
            Assert.Equal(["\"xmailserver.test\"\t\"e2026\"\t\"ed25519\"", "\"xmailserver.test\"\t\"r2026\"\t\"rsa-2048\""], await ctrl.ListAsync("dkimkeylist"));
            Assert.StartsWith("-", await ctrl.CommandAsync("dkimkeyadd", "xmailserver.test", "r2026", "rsa")); // exists
            Assert.StartsWith("-", await ctrl.CommandAsync("dkimkeyadd", "../etc", "x", "rsa"));
            Assert.StartsWith("-", await ctrl.CommandAsync("dkimkeyadd", "xmailserver.test", "x", "dsa"));
            Assert.StartsWith("-", await ctrl.CommandAsync("dkimkeytxt", "xmailserver.test", "nosuch"));
            File.WriteAllText(Path.Combine(_dir, "r"), Record(rsa[0]));
            File.WriteAllText(Path.Combine(_dir, "e"), Record(ed[0]));
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(s.Root.File("dkim/xmailserver.test/r2026.key")));

        await SubmitAsync(s, "xmailuser@xmailserver.test", "a@remote.test", "b@other.test");
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Messages.Count >= 2), "the peer got " + _peer.Messages.Count);
        var bodies = _peer.Messages.Select(m => m.WireBody).ToList();
        var fields = bodies.Select(b => Encoding.ASCII.GetString(b)[..Encoding.ASCII.GetString(b).IndexOf("From:", StringComparison.Ordinal)]).ToList();
        Assert.Equal(fields[0], fields[1]); // one signing for the pass, not one per destination
        Assert.Equal(2, fields[0].Split("DKIM-Signature:").Length - 1);

        // The wire body is dot-stuffed with its terminator; dkimpy gets the message itself.
        var wire = Encoding.Latin1.GetString(bodies[0]);
        if (wire.EndsWith("\r\n.\r\n")) wire = wire[..^3];
        var message = Encoding.Latin1.GetBytes(wire.Replace("\r\n..", "\r\n."));
        var onlyRsa = RemoveField(message, "a=ed25519-sha256");
        var onlyEd = RemoveField(message, "a=rsa-sha256");
        Assert.Equal(0, MailAuthKit.Python(onlyRsa, "verify", Path.Combine(_dir, "r")).Exit);
        Assert.Equal(0, MailAuthKit.Python(onlyEd, "verify", Path.Combine(_dir, "e")).Exit);

        await using (var ctrl = await CtrlTestClient.LoginAsync(s))
        {
            Assert.Equal("+00000 OK", await ctrl.CommandAsync("dkimkeydel", "xmailserver.test", "r2026"));
            Assert.Equal(["\"xmailserver.test\"\t\"e2026\"\t\"ed25519\""], await ctrl.ListAsync("dkimkeylist", "xmailserver.test"));
        }
    }

    [Fact]
    public async Task WithoutDkimSignNothingIsAdded()
    {
        await using var s = await StartAsync(sign: false);
        await using (var ctrl = await CtrlTestClient.LoginAsync(s))
            await ctrl.ListAsync("dkimkeyadd", "xmailserver.test", "e2026", "ed25519");
        await SubmitAsync(s, "xmailuser@xmailserver.test", "a@remote.test");
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Messages.Count >= 1));
        Assert.DoesNotContain("DKIM-Signature", Encoding.ASCII.GetString(_peer.Messages.First().WireBody));
    }

    private static string Record(string line)
    {
        TabParser.Parse(line, out var tokens, out _);
        return tokens![1];
    }

    /// <summary>The message without the DKIM-Signature field whose text contains <paramref name="marker"/>.</summary>
    private static byte[] RemoveField(byte[] message, string marker)
    {
        var text = Encoding.Latin1.GetString(message);
        var parts = text.Split("DKIM-Signature:");
        var kept = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.Length; i++)
        {
            int end = parts[i].IndexOf("\r\n", StringComparison.Ordinal);
            while (end >= 0 && end + 2 < parts[i].Length && parts[i][end + 2] is ' ' or '\t') end = parts[i].IndexOf("\r\n", end + 2, StringComparison.Ordinal);
            var field = parts[i][..(end + 2)];
            if (!field.Contains(marker)) kept.Append("DKIM-Signature:").Append(field);
            kept.Append(parts[i][(end + 2)..]);
        }
        return Encoding.Latin1.GetBytes(kept.ToString());
    }
}
