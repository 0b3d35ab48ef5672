namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// A condition a command needs besides an allowing session state, named in the protocols' state tables and worded
/// by each protocol's replies.
/// </summary>
public enum CommandGuard : byte
{
    None,
    /// <summary>STARTTLS, STLS, "#!TLS": no TLS yet, TLS enabled for the service, a certificate (<see cref="TlsUpgrade.Check"/>).</summary>
    TlsUpgrade,
    /// <summary>AUTH: only once per session.</summary>
    NotAuthenticated,
}
