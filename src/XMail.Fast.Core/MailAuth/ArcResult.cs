namespace XMail.Fast.Core.MailAuth;

/// <summary>RFC 8617 4.1.1: the chain validation status (cv=) reported as arc=.</summary>
public enum ArcResult
{
    None,
    Pass,
    Fail,
}
