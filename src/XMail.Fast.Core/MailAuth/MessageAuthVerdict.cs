namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// Everything checked on one received message after DATA: every DKIM signature, the ARC chain, DMARC, what to
/// do with the message and, for a refusal, the reply line. The Authentication-Results field is already in the
/// spool file when this is returned (unless the message is refused).
/// </summary>
public sealed record MessageAuthVerdict(
    MessageDisposition Disposition,
    IReadOnlyList<DkimSignatureResult> Dkim,
    ArcResult Arc,
    DmarcVerdict Dmarc,
    string? Reply = null,
    string? AuthenticationResults = null)
{
    public static readonly MessageAuthVerdict Skipped = new(MessageDisposition.Accept, [], ArcResult.None, DmarcVerdict.NotChecked);
}
