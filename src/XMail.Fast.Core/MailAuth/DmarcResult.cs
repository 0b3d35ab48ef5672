namespace XMail.Fast.Core.MailAuth;

/// <summary>RFC 7489 11.2: the dmarc method's results.</summary>
public enum DmarcResult
{
    None,
    Pass,
    Fail,
    TempError,
    PermError,
}

/// <summary>A DMARC policy (p= / sp=), and what the receiver does with a failing message.</summary>
public enum DmarcPolicy
{
    None,
    Quarantine,
    Reject,
}
