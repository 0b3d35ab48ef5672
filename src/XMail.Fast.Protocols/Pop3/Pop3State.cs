namespace XMail.Fast.Protocols.Pop3;

/// <summary>Where a POP3 session is in RFC 1939's grammar (UPDATE happens inside QUIT).</summary>
public enum Pop3State : byte
{
    /// <summary>Greeted, nobody named yet.</summary>
    Authorization,
    /// <summary>USER accepted, PASS expected.</summary>
    UserGiven,
    /// <summary>Logged in, the mailbox locked and listed.</summary>
    Transaction,
}
