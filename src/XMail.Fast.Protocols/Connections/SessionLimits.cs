namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// The bounds the session skeleton applies, whatever the protocol: the command line length, the idle deadline armed
/// for every wait for the peer, the TLS handshake's own deadline and the sessions the service serves at once. Each
/// protocol's limits type (SmtpLimits, Pop3Limits, CtrlLimits) fills one from its switches.
/// </summary>
public readonly record struct SessionLimits(int MaxCommandLine, TimeSpan IdleTimeout, TimeSpan TlsHandshakeTimeout, int MaxSessions);
