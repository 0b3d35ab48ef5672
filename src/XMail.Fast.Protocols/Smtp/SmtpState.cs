namespace XMail.Fast.Protocols.Smtp;

/// <summary>Where an SMTP session is in its grammar (authentication and TLS are flags, not states).</summary>
public enum SmtpState : byte
{
    /// <summary>Greeted; no HELO/EHLO yet.</summary>
    Connected,
    /// <summary>HELO/EHLO done, no transaction.</summary>
    Ready,
    /// <summary>MAIL FROM accepted.</summary>
    Mail,
    /// <summary>At least one RCPT TO accepted.</summary>
    Rcpt,
}
