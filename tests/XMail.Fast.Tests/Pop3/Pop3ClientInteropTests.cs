using System.Diagnostics;
using MailKit.Net.Pop3;
using MailKit.Security;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Pop3;

/// <summary>
/// Independent clients against the POP3/POP3S listeners: MailKit, and (interop group, skipped where the program is
/// missing) Python poplib, curl and fetchmail.
/// </summary>
public class Pop3ClientInteropTests
{
    [Fact]
    public async Task MailKit_lists_retrieves_and_deletes()
    {
        await using var s = await TestServer.StartAsync();
        Put(s, "1000.a", "Subject: one\r\nFrom: a@b.test\r\n\r\nfirst body\r\n.dotted\r\n");
        Put(s, "1001.b", "Subject: two\r\nFrom: a@b.test\r\n\r\nsecond body\r\n");
        using var client = new Pop3Client();
        await client.ConnectAsync("127.0.0.1", s.Port("POP3"), SecureSocketOptions.None);
        await client.AuthenticateAsync("xmailuser@xmailserver.test", "xmail");
        Assert.Equal(2, client.Count);
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(["1000.a", "1001.b"], uids);
        var m1 = await client.GetMessageAsync(0);
        Assert.Equal("one", m1.Subject);
        Assert.Equal("first body\n.dotted\n", m1.TextBody.Replace("\r\n", "\n"));
        var headers = await client.GetMessageHeadersAsync(1);
        Assert.Equal("two", headers["Subject"]);
        await client.DeleteMessageAsync(0);
        await client.DisconnectAsync(true);
        Assert.Equal(["1001.b"], NewFiles(s));
    }

    [Fact]
    public async Task MailKit_over_STLS_and_POP3S()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        Put(s, "1.m", "Subject: tls\r\n\r\nsecret\r\n");
        foreach (var (service, mode) in new[] { ("POP3", SecureSocketOptions.StartTls), ("POP3S", SecureSocketOptions.SslOnConnect) })
        {
            using var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await client.ConnectAsync("127.0.0.1", s.Port(service), mode);
            Assert.True(client.IsSecure);
            await client.AuthenticateAsync("xmailuser@xmailserver.test", "xmail");
            Assert.Equal("tls", (await client.GetMessageAsync(0)).Subject);
            await client.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task Stls_discards_commands_pipelined_before_the_handshake()
    {
        await using var s = await TestServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await ConnectAsync(s);
        await c.SendAsync("STLS\r\nUSER injected@xmailserver.test\r\n");
        Assert.Equal("+OK Begin TLS negotiation", await c.ReadLineAsync());
        var tls = new System.Net.Security.SslStream(c.Stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("xmailserver.test");
        c.Stream = tls;
        Assert.Equal("-ERR Command not valid here", await Pop3TestKit.Ask(c, "PASS xmail"));
        Assert.Equal("-ERR Command not permitted when TLS active", await Pop3TestKit.Ask(c, "STLS"));
        await c.SendLineAsync("CAPA");
        await c.ReadLineAsync();
        Assert.DoesNotContain("STLS", await c.ReadDotListAsync());
    }

    [SkippableFact, Trait("Category", ThirdPartyProgram.Interop)]
    public async Task Python_poplib_session()
    {
        var python = ThirdPartyProgram.Require("python3", "python3");
        await using var s = await TestServer.StartAsync();
        for (int i = 0; i < 20; i++) Put(s, $"{1000 + i}.m", MessageOfSize(1024, "m" + i));
        var script = $$"""
            import poplib
            p = poplib.POP3('127.0.0.1', {{s.Port("POP3")}})
            p.user('xmailuser'); p.pass_('xmail')
            n, size = p.stat()
            assert (n, size) == (20, 20480), (n, size)
            assert len(p.list()[1]) == 20
            assert len(p.uidl()[1]) == 20
            for i in range(1, n + 1):
                r, lines, octets = p.retr(i)
                assert lines[0] == b'Subject: m%d' % (i - 1), lines[0]
            p.dele(1)
            p.quit()
            print('ok')
            """;
        var (code, output) = await Run(python, "-c", script);
        Assert.True(code == 0, output);
        Assert.Contains("ok", output);
        Assert.Equal(19, NewFiles(s).Length);
    }

    [SkippableFact, Trait("Category", ThirdPartyProgram.Interop)]
    public async Task Curl_lists_and_retrieves()
    {
        var curl = ThirdPartyProgram.Require("curl", "curl");
        await using var s = await TestServer.StartAsync();
        Put(s, "1.m", "Subject: via curl\r\n\r\ncurl body\r\n");
        var url = $"pop3://127.0.0.1:{s.Port("POP3")}/1";
        var (code, output) = await Run(curl, "-s", "--user", "xmailuser@xmailserver.test:xmail", url);
        Assert.True(code == 0, output);
        Assert.Contains("Subject: via curl", output);
        Assert.Contains("curl body", output);
    }

    [SkippableFact, Trait("Category", ThirdPartyProgram.Interop)]
    public async Task Fetchmail_downloads_and_deletes()
    {
        var fetchmail = ThirdPartyProgram.Require("fetchmail", "fetchmail");
        await using var s = await TestServer.StartAsync();
        Put(s, "1.m", "Subject: via fetchmail\r\n\r\nfirst body\r\n");
        Put(s, "2.m", "Subject: second\r\n\r\n.dotted line\r\n");
        var dir = Directory.CreateTempSubdirectory("xmf-fetchmail").FullName;
        try
        {
            var rc = Path.Combine(dir, "fetchmailrc");
            var outFile = Path.Combine(dir, "out.mbox");
            File.WriteAllText(rc,
                $"poll 127.0.0.1 with proto POP3 port {s.Port("POP3")} user \"xmailuser@xmailserver.test\" there with password \"xmail\" is root here " +
                $"sslproto '' no sslcertck mda \"/bin/sh -c 'cat >> {outFile}'\"\n");
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rc file
            var (code, output) = await Run(fetchmail, "--nosyslog", "--nodetach", "-f", rc, "--pidfile", Path.Combine(dir, "pid"));
            Assert.True(code == 0, output);
            var got = File.ReadAllText(outFile);
            Assert.Contains("Subject: via fetchmail", got);
            Assert.Contains("first body", got);
            Assert.Contains("\n.dotted line", got); // byte-stuffed on the wire, unstuffed by the client
            Assert.Empty(NewFiles(s));                // fetchmail deletes what it fetched (DELE + QUIT)
        }
        finally { Directory.Delete(dir, true); }
    }

    private static async Task<(int Code, string Output)> Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
