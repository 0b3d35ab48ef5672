using System.Globalization;
using System.Text;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The POP3 log (-Pl): MailRoot/logs/pop3-YYYYMMDDHHMM, a new file every -Mr hours, one TAB line per login
/// attempt in XMail 1.27's layout: "server-fqdn" "server-domain" "client-ip" "time" "user" "password" "status"
/// and, for LOGIN, "messages" "bytes". The password column follows Pop3LogPasswd (0 never, 1 failed logins only,
/// 2 always).
/// </summary>
public sealed class Pop3LogFile
{
    private readonly MailServerContext _context;
    private readonly object _gate = new();

    public Pop3LogFile(MailServerContext context) => _context = context;

    public void Write(string serverHost, string serverDomain, string clientIp, string user, string password, string status, string? extra = null)
    {
        var now = _context.Time.GetLocalNow();
        var sb = new StringBuilder(160);
        void Field(string v) => sb.Append('"').Append(v.Replace('"', '\'').Replace('\t', ' ')).Append('"');
        Field(serverHost); sb.Append('\t');
        Field(serverDomain); sb.Append('\t');
        Field(clientIp); sb.Append('\t');
        Field(now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)); sb.Append('\t');
        Field(user); sb.Append('\t');
        Field(password); sb.Append('\t');
        Field(status);
        if (extra is not null) sb.Append(extra);
        sb.Append('\n');
        int hours = Math.Max(1, _context.Options.LogRotateHours);
        var bucket = new DateTime(now.Year, now.Month, now.Day, now.Hour - now.Hour % Math.Min(hours, 24), 0, 0);
        string path = Path.Combine(_context.Root.LogsDir, "pop3-" + bucket.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture));
        lock (_gate)
        {
            Directory.CreateDirectory(_context.Root.LogsDir);
            File.AppendAllText(path, sb.ToString(), Encoding.Latin1);
        }
    }
}
