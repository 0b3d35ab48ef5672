using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Delivery;

/// <summary>
/// "XMAIL SPOOL DESIGN", crash recovery: the real XMail executable in a child process is killed with SIGKILL while
/// it is receiving and delivering; after a restart every message it accepted (250 after DATA) is in Maildir/new
/// exactly once, and no message is there twice.
/// </summary>
public class CrashRecoveryTests
{
    private const int Sessions = 4;
    private const int PerSession = 1000; // enough that the kill lands mid-way even when delivery keeps pace with sending

    [Fact]
    public async Task Killed_mid_delivery_then_restarted_every_accepted_message_is_delivered_exactly_once()
    {
        using var root = new TempMailRoot();
        var pidDir = Directory.CreateTempSubdirectory("xmf-pid-").FullName;
        var newDir = Path.Combine(root.Path, "domains", "xmailserver.test", "xmailuser", "Maildir", "new");
        int port = FreePort();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<int>();
        try
        {
            using (var first = StartServer(root.Path, port, pidDir))
            {
                try
                {
                    await WaitForPortAsync(port, first);
                    using var stop = new CancellationTokenSource();
                    var senders = Enumerable.Range(0, Sessions).Select(k => Task.Run(() => SendUntilClosed(port, k, accepted, stop.Token))).ToArray();
                    // Kill once deliveries are flowing but well before everything is sent and delivered.
                    Assert.True(await TestServer.WaitUntilAsync(() => Count(newDir) >= 20, TimeSpan.FromSeconds(60)), "no delivery before the kill");
                    first.Kill(entireProcessTree: true);
                    await first.WaitForExitAsync();
                    int deliveredAtKill = Count(newDir);
                    stop.Cancel();
                    await Task.WhenAll(senders);
                    Assert.True(deliveredAtKill < Sessions * PerSession, "the kill came after every message was delivered; nothing was tested");
                }
                finally
                {
                    if (!first.HasExited) first.Kill(entireProcessTree: true);
                }
            }
            Assert.NotEmpty(accepted);

            using var second = StartServer(root.Path, port, pidDir);
            try
            {
                await WaitForPortAsync(port, second);
                var want = accepted.ToHashSet();
                await TestServer.WaitUntilAsync(() => Subjects(newDir).Keys.ToHashSet().IsSupersetOf(want) && SpoolIsEmpty(root.Path), TimeSpan.FromSeconds(90));
                var got = Subjects(newDir);
                foreach (var id in want) Assert.True(got.TryGetValue(id, out int n) && n == 1, $"message {id}: {(got.TryGetValue(id, out int c) ? c : 0)} copies");
                Assert.All(got, kv => Assert.Equal(1, kv.Value));
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
        }
        finally
        {
            try { Directory.Delete(pidDir, true); } catch { }
        }
    }

    private static Process StartServer(string mailRoot, int port, string pidDir)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "XMail.dll");
        Assert.True(File.Exists(dll), dll + " not found next to the test assembly");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "-Ms", mailRoot, "-Sp", port.ToString(), "-SI", "127.0.0.1", "-Qn", "2",
                     "-B-", "-P-", "-X-", "-C-", "-W-", "-F-", "-Y-" })
            psi.ArgumentList.Add(a);
        psi.Environment["MAIL_ROOT"] = mailRoot;
        psi.Environment["XMAIL_PID_DIR"] = pidDir;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>One SMTP session sending its share of messages until done, cancelled or the server dies.</summary>
    private static void SendUntilClosed(int port, int session, System.Collections.Concurrent.ConcurrentBag<int> accepted, CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 30_000;
            var reader = new StreamReader(stream, Encoding.Latin1);
            string Reply()
            {
                string? line;
                do line = reader.ReadLine() ?? throw new IOException("closed");
                while (line.Length > 3 && line[3] == '-');
                return line;
            }
            void Send(string s) => stream.Write(Encoding.Latin1.GetBytes(s));
            Reply();
            Send("EHLO crash.test\r\n");
            Reply();
            for (int i = 0; i < PerSession && !ct.IsCancellationRequested; i++)
            {
                int id = session * PerSession + i;
                Send("MAIL FROM:<sender@example.org>\r\n");
                if (!Reply().StartsWith('2')) return;
                Send("RCPT TO:<xmailuser@xmailserver.test>\r\n");
                if (!Reply().StartsWith('2')) return;
                Send("DATA\r\n");
                if (!Reply().StartsWith('3')) return;
                Send($"From: sender@example.org\r\nSubject: crash-{id}\r\nMessage-ID: <crash-{id}@example.org>\r\n\r\n{new string('x', 900)}\r\n.\r\n");
                if (Reply().StartsWith("250")) accepted.Add(id);
            }
        }
        catch (IOException) { }
        catch (SocketException) { }
    }

    private static readonly Regex SubjectLine = new(@"^Subject: crash-(\d+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static Dictionary<int, int> Subjects(string dir)
    {
        var d = new Dictionary<int, int>();
        if (!Directory.Exists(dir)) return d;
        foreach (var f in Directory.EnumerateFiles(dir))
        {
            string text;
            try { text = File.ReadAllText(f, Encoding.Latin1); }
            catch (IOException) { continue; }
            var m = SubjectLine.Match(text);
            if (!m.Success) continue;
            int id = int.Parse(m.Groups[1].Value);
            d[id] = d.GetValueOrDefault(id) + 1;
        }
        return d;
    }

    private static bool SpoolIsEmpty(string root)
    {
        var spool = Path.Combine(root, "spool");
        if (!Directory.Exists(spool)) return true;
        foreach (var state in new[] { "mess", "rsnd", "lock" })
            foreach (var d in Directory.EnumerateDirectories(spool, state, SearchOption.AllDirectories))
                if (Directory.EnumerateFileSystemEntries(d).Any()) return false;
        return true;
    }

    private static int Count(string dir) => Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Count() : 0;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process p)
    {
        await TestServer.WaitUntilAsync(() =>
        {
            if (p.HasExited) throw new InvalidOperationException("XMail exited with code " + p.ExitCode);
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(60));
    }
}
