using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace XMail.Fast.LoadTest;

/// <summary>
/// SMTP load: N concurrent sessions send M messages in total of S bytes each (optionally over STARTTLS, optionally
/// pipelining MAIL/RCPT/DATA). Reports msgs/s and the per-message latency (MAIL sent → final 250) percentiles.
/// </summary>
internal static class SmtpLoad
{
    public static async Task<int> RunAsync(Dictionary<string, string> a)
    {
        string host = a.GetValueOrDefault("host", "127.0.0.1");
        int port = int.Parse(a.GetValueOrDefault("port", "25"));
        int sessions = int.Parse(a.GetValueOrDefault("sessions", "20"));
        int messages = int.Parse(a.GetValueOrDefault("messages", "5000"));
        int size = int.Parse(a.GetValueOrDefault("size", "1024"));
        int perConnection = int.Parse(a.GetValueOrDefault("per-connection", "0"));
        string from = a.GetValueOrDefault("from", "a@example.org");
        string to = a.GetValueOrDefault("to", "xmailuser@xmailserver.test");
        bool pipelining = a.ContainsKey("pipelining");
        bool starttls = a.ContainsKey("starttls");

        // --message FILE: send that message (e.g. a DKIM-signed one) instead of a generated body of --size bytes.
        var body = a.TryGetValue("message", out var file) ? FileBody(file) : BuildBody(size);
        int next = 0;
        var latencies = new long[messages];
        int done = 0, failed = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, sessions).Select(async _ =>
        {
            while (Volatile.Read(ref next) < messages)
            {
                try
                {
                    using var tcp = new TcpClient { NoDelay = true };
                    await tcp.ConnectAsync(host, port);
                    Stream stream = tcp.GetStream();
                    var io = new Lines(stream);
                    await io.ExpectAsync("220");
                    await io.SendAsync("EHLO load.test\r\n");
                    await io.ExpectAsync("250");
                    if (starttls)
                    {
                        await io.SendAsync("STARTTLS\r\n");
                        await io.ExpectAsync("220");
                        var ssl = new SslStream(stream, false, (_, _, _, _) => true);
                        await ssl.AuthenticateAsClientAsync(host);
                        io = new Lines(ssl);
                        await io.SendAsync("EHLO load.test\r\n");
                        await io.ExpectAsync("250");
                    }
                    int sent = 0;
                    while (perConnection == 0 || sent < perConnection)
                    {
                        int i = Interlocked.Increment(ref next) - 1;
                        if (i >= messages) break;
                        long t0 = Stopwatch.GetTimestamp();
                        if (pipelining)
                        {
                            await io.SendAsync($"MAIL FROM:<{from}>\r\nRCPT TO:<{to}>\r\nDATA\r\n");
                            await io.ExpectAsync("250");
                            await io.ExpectAsync("250");
                            await io.ExpectAsync("354");
                        }
                        else
                        {
                            await io.SendAsync($"MAIL FROM:<{from}>\r\n");
                            await io.ExpectAsync("250");
                            await io.SendAsync($"RCPT TO:<{to}>\r\n");
                            await io.ExpectAsync("250");
                            await io.SendAsync("DATA\r\n");
                            await io.ExpectAsync("354");
                        }
                        await io.SendAsync(body);
                        await io.ExpectAsync("250");
                        latencies[i] = Stopwatch.GetTimestamp() - t0;
                        Interlocked.Increment(ref done);
                        sent++;
                    }
                    await io.SendAsync("QUIT\r\n");
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref failed) <= 5) Console.Error.WriteLine("session error: " + ex.Message);
                    if (failed > messages / 10 + 10) return;
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        sw.Stop();

        var ok = latencies.Where(l => l > 0).Select(l => l * 1000.0 / Stopwatch.Frequency).OrderBy(x => x).ToArray();
        double P(double q) => ok.Length == 0 ? 0 : ok[Math.Min(ok.Length - 1, (int)(q * ok.Length))];
        Console.WriteLine($"smtp: {done} messages of {size} B over {sessions} sessions in {sw.Elapsed.TotalSeconds:F2} s = {done / sw.Elapsed.TotalSeconds:F0} msgs/s; " +
                          $"failed sessions {failed}; latency ms p50 {P(0.5):F2} p99 {P(0.99):F2} p99.9 {P(0.999):F2} max {(ok.Length > 0 ? ok[^1] : 0):F2}");
        return done == messages ? 0 : 1;
    }

    private static byte[] BuildBody(int size)
    {
        var sb = new StringBuilder("From: load@example.org\r\nTo: bob@example.org\r\nSubject: load\r\n\r\n");
        while (sb.Length < size) sb.Append("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n");
        sb.Append(".\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>A message file as DATA: LF line ends made CRLF, leading dots doubled, the terminator appended.</summary>
    private static byte[] FileBody(string path)
    {
        var text = File.ReadAllText(path, Encoding.Latin1).ReplaceLineEndings("\r\n");
        if (!text.EndsWith("\r\n")) text += "\r\n";
        text = (text.StartsWith('.') ? "." : "") + text.Replace("\r\n.", "\r\n..");
        return Encoding.Latin1.GetBytes(text + ".\r\n");
    }

    /// <summary>Minimal reply reader: skips continuation lines and checks the final reply code.</summary>
    private sealed class Lines(Stream stream)
    {
        private readonly byte[] _buf = new byte[8192];
        private int _start, _end;

        public Task SendAsync(string s) => SendAsync(Encoding.ASCII.GetBytes(s));

        public async Task SendAsync(byte[] b)
        {
            await stream.WriteAsync(b);
            await stream.FlushAsync();
        }

        public async Task ExpectAsync(string code)
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.Length >= 4 && line[3] == '-') continue;
                if (!line.StartsWith(code, StringComparison.Ordinal)) throw new IOException($"expected {code}, got: {line}");
                return;
            }
        }

        private async Task<string> ReadLineAsync()
        {
            while (true)
            {
                int lf = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    var s = Encoding.ASCII.GetString(_buf, _start, lf - _start).TrimEnd('\r');
                    _start = lf + 1;
                    return s;
                }
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                int n = await stream.ReadAsync(_buf.AsMemory(_end));
                if (n == 0) throw new IOException("connection closed");
                _end += n;
            }
        }
    }
}
