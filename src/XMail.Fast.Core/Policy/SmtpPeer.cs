using System.Net;
using XMail.Fast.Core.Smtp;

namespace XMail.Fast.Core.Policy;

/// <summary>What policy knows about one SMTP client; filled at connect and updated by HELO, AUTH and STARTTLS.</summary>
public sealed class SmtpPeer
{
    public SmtpPeer(IPEndPoint remote, IPEndPoint local)
    {
        Remote = remote;
        Local = local;
        Address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
    }

    public IPEndPoint Remote { get; }
    public IPEndPoint Local { get; }
    /// <summary>The client IP, IPv4-mapped addresses unwrapped.</summary>
    public IPAddress Address { get; }
    public string? HeloDomain { get; set; }
    public string? PtrName { get; set; }
    public PeerProperties Props { get; set; } = PeerProperties.None;
    public bool Secure { get; set; }

    /// <summary>The authenticated user (AUTH or POP3-before-SMTP), null when anonymous.</summary>
    public string? AuthUser { get; set; }
    public bool IsAuthenticated => AuthUser is not null;
    public SmtpPermissions Perms { get; set; }

    /// <summary>Listed (ipmap code 0, spammers code 0, DNS map code 0): only authenticated clients may send.</summary>
    public bool BlockedIp { get; set; }
    /// <summary>Reply text to use when <see cref="BlockedIp"/> stops MAIL (SmtpMsgIPBan* or the default).</summary>
    public string? BlockedText { get; set; }
    /// <summary>SmtpConfig MailAuth or failed SMTP-RDNSCheck=1: MAIL needs authentication.</summary>
    public bool MailLocked { get; set; }
    /// <summary>SmtpConfig WantTLS: MAIL needs TLS (unless EaseTLS or the S permission).</summary>
    public bool WantTls { get; set; }
    /// <summary>Seconds to wait before answering each command (negative spammers/ipmap/map codes).</summary>
    public int CommandDelaySeconds { get; set; }

    public bool Has(SmtpPermissions p) => (Perms & p) == p;
}
