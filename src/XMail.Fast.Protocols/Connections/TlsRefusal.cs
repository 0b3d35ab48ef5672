namespace XMail.Fast.Protocols.Connections;

/// <summary>Why a TLS upgrade command (STARTTLS, STLS, "#!TLS") cannot be honoured now; each protocol words it.</summary>
public enum TlsRefusal : byte
{
    None,
    /// <summary>The link is already TLS (implicit-TLS port, or upgraded before).</summary>
    AlreadySecure,
    /// <summary>server.tab turns TLS off for the service (EnableSMTP-TLS, EnablePOP3-TLS, EnableCTRL-TLS).</summary>
    Disabled,
    /// <summary>No usable server.cert/server.key.</summary>
    NoCertificate,
}
