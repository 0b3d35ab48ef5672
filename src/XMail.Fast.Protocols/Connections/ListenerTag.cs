namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// Attached to every accepted connection (as a connection feature) by the listener that accepted it, so one handler
/// type serves both the plain port and the implicit-TLS port of a protocol (SMTP/SMTPS, POP3/POP3S, CTRL/CTRLS).
/// A feature rides Kestrel's existing per-connection feature list; ConnectionContext.Items would cost every
/// connection a dictionary of its own.
/// </summary>
public sealed record ListenerTag(string Service, bool ImplicitTls);
