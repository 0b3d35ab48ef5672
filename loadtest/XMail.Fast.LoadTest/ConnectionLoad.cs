using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace XMail.Fast.LoadTest;

/// <summary>
/// The concurrency workload: opens N SMTP connections at once, counts the 220 greetings, keeps every
/// connection open until all have answered (so they are concurrent), reports the server's RSS when --pid is given,
/// then sends QUIT on each. Bounded: every connection has a deadline (--timeout seconds, default 60).
/// </summary>
internal static class ConnectionLoad
{
    public static async Task<int> RunAsync(Dictionary<string, string> a)
    {
        string host = a.GetValueOrDefault("host", "127.0.0.1");
        int port = int.Parse(a["port"]);
        int count = int.Parse(a.GetValueOrDefault("connections", "10000"));
        int timeout = int.Parse(a.GetValueOrDefault("timeout", "60"));
        int? pid = a.TryGetValue("pid", out var p) ? int.Parse(p) : null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeout));
        var sockets = new Socket?[count];
        int greeted = 0, busy = 0, failed = 0;
        var sw = Stopwatch.StartNew();
        // Connect in waves so the listen backlog is not the thing being measured.
        using var gate = new SemaphoreSlim(256);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(cts.Token);
            try
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(host, port, cts.Token);
                var buf = new byte[512];
                int n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                var line = Encoding.ASCII.GetString(buf, 0, n);
                if (line.StartsWith("220")) Interlocked.Increment(ref greeted);
                else if (line.StartsWith("421")) Interlocked.Increment(ref busy);
                else Interlocked.Increment(ref failed);
                sockets[i] = s;
            }
            catch (Exception) { Interlocked.Increment(ref failed); }
            finally { gate.Release(); }
        }).ToArray();
        try { await Task.WhenAll(tasks); } catch (OperationCanceledException) { }
        var connectTime = sw.Elapsed;
        string rss = pid is { } id ? Rss(id) : "n/a";
        Console.WriteLine($"connections: {count} opened in {connectTime.TotalSeconds:F2} s, {greeted} greeted 220, {busy} got 421, {failed} failed; server RSS with all open: {rss}");
        var quit = Encoding.ASCII.GetBytes("QUIT\r\n");
        foreach (var s in sockets)
        {
            if (s is null) continue;
            try { s.Send(quit); } catch (SocketException) { }
            s.Dispose();
        }
        return greeted == count ? 0 : 1;
    }

    private static string Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:")) return line[6..].Trim();
        return "?";
    }
}
