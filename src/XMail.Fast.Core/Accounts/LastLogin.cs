using System.Net;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// An account's last successful POP3 login, stored as XMail 1.27 stores it: the file ".ipconn" in the account
/// directory holding the client IP on one line; the file's modification time is the login time. CTRL userstat
/// reports it as LastLoginIP / LastLoginTimeDate, and XMail 1.27's SMTP-after-POP3 check reads the same file.
/// </summary>
public static class LastLogin
{
    public const string FileName = ".ipconn";

    public static string PathOf(string userDirectory) => Path.Combine(userDirectory, FileName);

    public static void Record(string userDirectory, IPAddress address, DateTimeOffset when)
    {
        string path = PathOf(userDirectory);
        File.WriteAllText(path, address + "\n");
        File.SetLastWriteTimeUtc(path, when.UtcDateTime);
    }

    /// <summary>The last login, or null when the account never logged in (or the file is unreadable).</summary>
    public static (IPAddress Address, DateTimeOffset Time)? Read(string userDirectory)
    {
        string path = PathOf(userDirectory);
        try
        {
            if (!File.Exists(path)) return null;
            var text = File.ReadAllText(path).Trim();
            if (!IPAddress.TryParse(text, out var ip)) return null;
            return (ip, new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
