using System.Net;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Server;

/// <summary>
/// Without MAIL_ROOT/-Ms (or with --dev) the server runs as a newcomer expects: ./MailRoot from the template,
/// every service on 127.0.0.1 at unprivileged ports (the XMail port + 10000; CTRL 16017/16018), no root needed.
/// Explicit -XI/-Xp switches still win.
/// </summary>
internal static class DevDefaults
{
    public static void Apply(XMailOptions o)
    {
        foreach (var svc in new[] { o.Smtp, o.Smtps, o.Pop3, o.Pop3s, o.Finger, o.Ctrl, o.Ctrls })
        {
            if (svc.Port < 1024) svc.Port += 10000;
            else if (svc.Port is 6017 or 6018) svc.Port += 10000;
            if (svc.Bind.Count == 0) svc.Bind.Add(new IPEndPoint(IPAddress.Loopback, 0));
        }
    }
}
