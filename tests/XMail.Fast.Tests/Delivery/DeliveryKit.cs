using System.Text;
using XMail.Fast.Core.Spool;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Delivery;

/// <summary>Puts spool files in place and reads what delivery produced, for the delivery tests.</summary>
internal static class DeliveryKit
{
    public const string Domain = "xmailserver.test";

    public static string SpoolText(string from, IEnumerable<string> rcpts, string message, string smtpId = "S77", string info = "[127.0.0.1]:40000;[127.0.0.1]:25;Tue, 24 Nov 2026 15:44:30 -0000")
    {
        var sb = new StringBuilder();
        sb.Append(info).Append("\r\n").Append(Domain).Append("\r\n").Append(smtpId).Append("\r\n");
        sb.Append("MAIL FROM:<").Append(from).Append(">\r\n");
        foreach (var r in rcpts) sb.Append("RCPT TO:<").Append(r).Append(">\r\n");
        sb.Append("<<MAIL-DATA>>\r\n").Append(message);
        return sb.ToString();
    }

    /// <summary>Writes a committed spool file at spool/L0/L1/STATE/NAME of a MailRoot folder (server not required).</summary>
    public static SpoolRef Place(string mailRoot, string text, string state = "mess", int l0 = 3, int l1 = 4, string? name = null)
    {
        var r = new SpoolRef(l0, l1, name ?? UniqueName.Next());
        var dir = Path.Combine(mailRoot, "spool", l0.ToString(), l1.ToString(), state);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, r.Name), Encoding.Latin1.GetBytes(text));
        return r;
    }

    /// <summary>Commits a spool message into a running server and queues it, as a receiver would.</summary>
    public static async Task<SpoolRef> SubmitAsync(TestServer s, string from, IEnumerable<string> rcpts, string message, string smtpId = "S77")
    {
        var r = Place(s.Root.Path, SpoolText(from, rcpts, message, smtpId));
        await s.Context.Queue.EnqueueAsync(r);
        return r;
    }

    public static string UserDir(TestServer s, string domain, string user) => Path.Combine(s.Root.Path, "domains", domain, user);

    public static string[] NewMail(string userDir)
    {
        var dir = Path.Combine(userDir, "Maildir", "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal).ToArray() : [];
    }

    public static async Task<string[]> WaitForMailAsync(string userDir, int count = 1, int seconds = 30)
    {
        Assert.True(await TestServer.WaitUntilAsync(() => NewMail(userDir).Length >= count, TimeSpan.FromSeconds(seconds)),
            $"expected {count} message(s) in {userDir}/Maildir/new, found {NewMail(userDir).Length}");
        return NewMail(userDir);
    }

    public static string Read(string path) => Encoding.Latin1.GetString(File.ReadAllBytes(path));

    public static string[] StateFiles(TestServer s, string state) =>
        Directory.Exists(Path.Combine(s.Root.Path, "spool"))
            ? Directory.GetDirectories(Path.Combine(s.Root.Path, "spool"), state, SearchOption.AllDirectories).SelectMany(Directory.GetFiles).ToArray()
            : [];

    public static string AddUser(TestServer s, string name, string domain = Domain, char type = 'U')
    {
        if (!s.Context.Accounts.IsLocalDomain(domain)) Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.AddDomain(domain));
        Assert.Equal(XMail.Fast.Core.ErrorCode.Success, s.Context.Accounts.AddUser(domain, name, "pw", type));
        return UserDir(s, domain, name);
    }

    public static string Script(TestServer s, string name, string body)
    {
        var path = Path.Combine(s.Root.Path, "bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
