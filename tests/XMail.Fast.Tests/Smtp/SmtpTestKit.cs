using XMail.Fast.Core.Spool;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Smtp;

/// <summary>Shared helpers for the SMTP tests: greeting, EHLO, reading multi-line replies, finding spool files.</summary>
internal static class SmtpTestKit
{
    public static async Task<LineClient> ConnectAsync(TestServer s, string? ehlo = "kit.test", System.Net.IPAddress? from = null)
    {
        var c = await LineClient.ConnectAsync(s.Port("SMTP"), from: from);
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

    /// <summary>
    /// Makes every accepted message's spool file observable: a filters.post-data.tab entry copies $(FILE) to
    /// captured/&lt;SMTP id&gt; just before the commit (the delivery engine consumes mess/ at once, so the tests
    /// cannot rely on finding the file there).
    /// </summary>
    public static void CaptureSpool(TempMailRoot root)
    {
        Directory.CreateDirectory(root.File("captured"));
        File.WriteAllText(root.File("filters.post-data.tab"), $"\"/bin/cp\"\t\"@@FILE\"\t\"{root.File("captured")}/$(MSGREF)\"\n");
    }

    /// <summary>The spool file of message <paramref name="smtpId"/> as captured by <see cref="CaptureSpool"/>.</summary>
    public static async Task<string?> SpoolTextAsync(TestServer s, string smtpId)
    {
        var path = s.Root.File(Path.Combine("captured", smtpId));
        await TestServer.WaitUntilAsync(() => File.Exists(path), TimeSpan.FromSeconds(5));
        return File.Exists(path) ? File.ReadAllText(path, System.Text.Encoding.Latin1) : null;
    }

    public static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s));

    /// <summary>Appends "Name"\t"Value" lines to server.tab.</summary>
    public static void ServerTab(TempMailRoot root, params (string Name, string Value)[] vars) =>
        File.AppendAllText(root.File("server.tab"), string.Concat(vars.Select(v => $"\"{v.Name}\"\t\"{v.Value}\"\n")));

    public static string IdOf(string reply) => reply[(reply.IndexOf('<') + 1)..reply.IndexOf('>')];
}
