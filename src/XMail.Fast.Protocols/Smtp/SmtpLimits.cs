using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>Every bound an SMTP peer meets, in one place (command line switches and server.tab).</summary>
public sealed record SmtpLimits(int MaxCommandLine, int MaxTextLine, int MaxRecipients, int MaxErrors, TimeSpan IdleTimeout,
    TimeSpan TlsHandshakeTimeout, int MaxSessions)
{
    /// <summary>RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF.</summary>
    public const int CommandLineLimit = 512;

    /// <summary>The bounds the session skeleton applies.</summary>
    public SessionLimits Session => new(MaxCommandLine, IdleTimeout, TlsHandshakeTimeout, MaxSessions);

    /// <summary>
    /// -Sr recipients, -St idle timeout (also the TLS handshake's deadline), -SX sessions (SMTPS keeps its own limit,
    /// 1.27 has no switch for it), SMTP-MaxErrors; "SmtpMaxTextLine" (an XMail.Fast server.tab variable, default
    /// 1000 = RFC 5321 §4.5.3.1.6) bounds DATA lines including CRLF.
    /// </summary>
    public static SmtpLimits From(XMailOptions o, ServiceOptions service, ServerConfig cfg)
    {
        var idle = TimeSpan.FromSeconds(service.TimeoutSeconds > 0 ? service.TimeoutSeconds : 900);
        return new(
            CommandLineLimit,
            Math.Max(cfg.GetInt("SmtpMaxTextLine", 1000), 80),
            o.SmtpMaxRecipients > 0 ? o.SmtpMaxRecipients : 100,
            cfg.SmtpMaxErrors,
            idle,
            idle,
            service.MaxSessions);
    }
}
