using XMail.Fast.Core.Spool;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Smtp;

/// <summary>Shared helpers for the SMTP tests: greeting, EHLO, reading multi-line replies, finding spool files.</summary>
internal static class SmtpTestKit
{
    public static async Task<LineClient> ConnectAsync(TestServer s, string? ehlo = "kit.test")
    {
        var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        var banner = await c.ReadLineAsync();
        Assert.StartsWith("220 ", banner);
        if (ehlo is not null)
        {
            await c.SendLineAsync("EHLO " + ehlo);
            await ReadReplyAsync(c);
        }
        return c;
    }

    /// <summary>Reads one (possibly multi-line) reply; returns all its lines.</summary>
    public static async Task<List<string>> ReadReplyAsync(LineClient c)
    {
        var lines = new List<string>();
        while (true)
        {
            var l = await c.ReadLineAsync() ?? throw new IOException("connection closed; got " + string.Join(" | ", lines));
            lines.Add(l);
            if (l.Length < 4 || l[3] != '-') return lines;
        }
    }

    public static async Task<string> CommandAsync(LineClient c, string line)
    {
        await c.SendLineAsync(line);
        return (await ReadReplyAsync(c))[^1];
    }

    /// <summary>Every spool file in L*/L*/&lt;state&gt;.</summary>
    public static IEnumerable<string> SpoolFiles(TestServer s, string state = "mess") =>
        Directory.Exists(s.Context.Spool.SpoolDir)
            ? Directory.EnumerateDirectories(s.Context.Spool.SpoolDir).SelectMany(d0 => Directory.EnumerateDirectories(d0))
                .Select(d1 => Path.Combine(d1, state)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles)
            : [];

    /// <summary>Waits for the committed spool file of message <paramref name="smtpId"/> (mess/ or already past it).</summary>
    public static async Task<string?> SpoolTextAsync(TestServer s, string smtpId)
    {
        string? text = null;
        await TestServer.WaitUntilAsync(() =>
        {
            foreach (var f in SpoolFiles(s))
            {
                try
                {
                    var t = File.ReadAllText(f, System.Text.Encoding.Latin1);
                    var lines = t.Split("\r\n");
                    if (lines.Length > 2 && lines[2] == smtpId) { text = t; return true; }
                }
                catch (IOException) { }
            }
            return false;
        }, TimeSpan.FromSeconds(5));
        return text;
    }

    public static string IdOf(string reply) => reply[(reply.IndexOf('<') + 1)..reply.IndexOf('>')];
}
