namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// The DMARC evaluation of one message: the RFC5322.From domain, the result, the policy the domain asks for
/// (p= or sp=, already reduced by pct= sampling) and the one that applies after that.
/// </summary>
public sealed record DmarcVerdict(DmarcResult Result, string FromDomain, DmarcPolicy RequestedPolicy, DmarcPolicy AppliedPolicy, string? Reason = null)
{
    public static readonly DmarcVerdict NotChecked = new(DmarcResult.None, "", DmarcPolicy.None, DmarcPolicy.None, "not checked");

    public string Keyword => AuthResultKeywords.Of(Result);
}
