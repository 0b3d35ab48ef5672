namespace XMail.Fast.Core.MailAuth;

/// <summary>What the SMTP session does with a message after its authentication checks.</summary>
public enum MessageDisposition
{
    Accept,
    /// <summary>Accepted, marked (header, and a mailbox folder where configured).</summary>
    Quarantine,
    /// <summary>Refused in-session (550 5.7.1).</summary>
    Reject,
}
