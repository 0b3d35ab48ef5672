namespace XMail.Fast.Core.MailAuth;

/// <summary>RFC 7208 2.6: the seven results of check_host().</summary>
public enum SpfResult
{
    None,
    Neutral,
    Pass,
    Fail,
    SoftFail,
    TempError,
    PermError,
}
