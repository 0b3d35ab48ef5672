namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// Attached to every accepted connection by the listener that accepted it, so one handler type serves both
/// the plain port and the implicit-TLS port of a protocol (SMTP/SMTPS, POP3/POP3S, CTRL/CTRLS).
/// </summary>
public sealed record ListenerTag(string Service, bool ImplicitTls)
{
    public const string ItemKey = "xmail.listener";
}
