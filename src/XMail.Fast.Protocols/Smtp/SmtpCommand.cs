namespace XMail.Fast.Protocols.Smtp;

/// <summary>The verbs of "SMTP COMMANDS".</summary>
public enum SmtpCommand : byte
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Rset,
    Vrfy,
    Etrn,
    Noop,
    Help,
    Quit,
    StartTls,
    Auth,
}
