namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// "MAIL ROUTING THROUGH ADDRESSES": a recipient "@hostb,@hostc:user@hostd" goes to hostb with the whole route as
/// RCPT TO, and the reverse path gains our name in front ("@us:x@y", "@us,@prev:x@y").
/// </summary>
public static class SourceRoute
{
    /// <summary>The host the mail goes to next: the first route hop, or the domain of a plain address.</summary>
    public static string NextDomain(string address)
    {
        if (address.StartsWith('@'))
        {
            int end = address.IndexOfAny([',', ':']);
            return (end < 0 ? address[1..] : address[1..end]).Trim().ToLowerInvariant();
        }
        int at = address.LastIndexOf('@');
        return at < 0 ? "" : address[(at + 1)..].Trim().ToLowerInvariant();
    }

    public static bool IsRouted(string address) => address.StartsWith('@');

    /// <summary>Prepends "@<paramref name="us"/>" to a reverse path (the null sender stays null).</summary>
    public static string PrependHop(string reversePath, string us)
    {
        if (reversePath.Length == 0) return reversePath;
        return reversePath.StartsWith('@') ? "@" + us + "," + reversePath : "@" + us + ":" + reversePath;
    }
}
