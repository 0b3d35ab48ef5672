namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// The SPF result for one identity (RFC 7208 2.3/2.4: "mailfrom" or "helo"), the domain checked, the sender as
/// checked (postmaster@helo for a null reverse path) and, for a fail, the explanation (exp=) if the domain gave one.
/// </summary>
public sealed record SpfVerdict(SpfResult Result, string Identity, string Domain, string Sender, string? Explanation = null, string? Reason = null)
{
    public static SpfVerdict NotChecked(string identity) => new(SpfResult.None, identity, "", "", null, "not checked");

    /// <summary>The RFC 8601 result keyword ("pass", "softfail", "temperror" ...).</summary>
    public string Keyword => AuthResultKeywords.Of(Result);
}
