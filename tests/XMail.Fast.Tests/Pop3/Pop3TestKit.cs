using System.Text;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Pop3;

/// <summary>Puts messages straight into an account's Maildir (no SMTP/delivery involved) and logs in over raw sockets.</summary>
internal static class Pop3TestKit
{
    public const string Domain = "xmailserver.test";
    public const string User = "xmailuser";
    public const string Password = "xmail";

    public static string UserDir(TestServer s, string user = User, string domain = Domain) =>
        Path.Combine(s.Root.Path, "domains", domain, user);

    /// <summary>A message of exactly <paramref name="size"/> bytes (CRLF lines, at least ~40 bytes).</summary>
    public static string MessageOfSize(int size, string tag = "x")
    {
        var head = $"Subject: {tag}\r\nFrom: a@b.test\r\n\r\n";
        return head + new string('b', size - head.Length - 2) + "\r\n";
    }

    public static string Put(TestServer s, string name, string content, string sub = "new", string user = User, string domain = Domain)
    {
        var dir = Path.Combine(UserDir(s, user, domain), "Maildir", sub);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(UserDir(s, user, domain), "Maildir", "tmp"));
        Directory.CreateDirectory(Path.Combine(UserDir(s, user, domain), "Maildir", sub == "new" ? "cur" : "new"));
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(content));
        return path;
    }

    public static string[] NewFiles(TestServer s, string user = User, string domain = Domain) =>
        Directory.GetFiles(Path.Combine(UserDir(s, user, domain), "Maildir", "new")).Select(Path.GetFileName).ToArray()!;

    public static async Task<LineClient> ConnectAsync(TestServer s, string service = "POP3")
    {
        var c = await LineClient.ConnectAsync(s.Port(service));
        var banner = await c.ReadLineAsync();
        Assert.StartsWith("+OK <", banner);
        return c;
    }

    /// <summary>
    /// Logs in. A session of the same test that the client just dropped (no QUIT) may still hold the mailbox for
    /// the moment the server needs to notice the close, so an "-ERR [IN-USE]" is retried until a deadline.
    /// </summary>
    public static async Task<LineClient> LoginAsync(TestServer s, string login = User + "@" + Domain, string password = Password)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var c = await ConnectAsync(s);
            Assert.Equal($"+OK Password required for {login}", await Ask(c, "USER " + login));
            var r = await Ask(c, "PASS " + password);
            if (r is not null && r.StartsWith("-ERR [IN-USE]") && DateTime.UtcNow < deadline)
            {
                await c.DisposeAsync();
                await Task.Delay(20);
                continue;
            }
            Assert.StartsWith("+OK Maildrop has ", r);
            return c;
        }
    }

    public static async Task<string?> Ask(LineClient c, string line)
    {
        await c.SendLineAsync(line);
        return await c.ReadLineAsync();
    }
}
