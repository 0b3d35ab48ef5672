namespace XMail.Fast.Core.MailAuth;

/// <summary>One DKIM-Signature (or ARC seal) checked: result, signing domain (d=), selector (s=), algorithm,
/// the first characters of b= (RFC 6008 header.b) and why it did not pass.</summary>
public sealed record DkimSignatureResult(DkimResult Result, string Domain, string Selector, string Algorithm, string HeaderB, string? Reason = null)
{
    public string Keyword => AuthResultKeywords.Of(Result);
}
