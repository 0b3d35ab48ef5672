namespace XMail.Fast.Core.MailAuth;

/// <summary>RFC 8601 2.7.1 results for one DKIM signature.</summary>
public enum DkimResult
{
    None,
    Pass,
    Fail,
    /// <summary>Verified, but local policy does not trust it (a body length limit l= shorter than the body).</summary>
    Policy,
    Neutral,
    TempError,
    PermError,
}
