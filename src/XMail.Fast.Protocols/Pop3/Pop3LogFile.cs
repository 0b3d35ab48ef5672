using XMail.Fast.Core.Config;
using XMail.Fast.Core.Logging;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The POP3 log (-Pl, MailRoot/logs/pop3-YYYYMMDDHHMM through the shared <see cref="ServiceLog"/>): one line per
/// login attempt in XMail 1.27's layout: "server-ip" "domain" "client-ip" "time" "user" "password" "status" and,
/// for LOGIN, "messages" "bytes". The password column follows Pop3LogPasswd (0 never, 1 failed logins, 2 always).
/// </summary>
public sealed class Pop3LogFile
{
    private readonly MailServerContext _context;

    public Pop3LogFile(MailServerContext context) => _context = context;

    public void Write(string serverHost, string serverDomain, string clientIp, string user, string password, string status, params string[] extra) =>
        _context.ServiceLog("pop3").Write([serverHost, serverDomain, clientIp, ServiceLog.Timestamp(_context.Time.GetLocalNow()), user, password, status, .. extra]);
}
