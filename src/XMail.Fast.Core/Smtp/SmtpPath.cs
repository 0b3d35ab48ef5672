namespace XMail.Fast.Core.Smtp;

/// <summary>
/// A parsed "&lt;[@hop,@hop:]user@domain&gt; [params]" from MAIL FROM or RCPT TO ("MAIL ROUTING THROUGH ADDRESSES").
/// Parsing is strict in the way XMail 1.27 is (observed error numbers): no angle brackets → -31
/// (ERR_SMTP_PATH_PARSE_ERROR); a malformed mailbox → -132; a malformed host name → -260.
/// </summary>
public sealed class SmtpPath
{
    public const int MaxAddressLength = 256;

    private SmtpPath(string address, string[] route, string parameters)
    {
        Address = address;
        Route = route;
        Parameters = parameters;
    }

    /// <summary>The mailbox ("" for the null path &lt;&gt;).</summary>
    public string Address { get; }
    /// <summary>Source-route hops, in order, without '@' ("@a,@b:x@y" → ["a", "b"]).</summary>
    public string[] Route { get; }
    /// <summary>ESMTP parameters after '&gt;', trimmed (e.g. "SIZE=1000 BODY=8BITMIME").</summary>
    public string Parameters { get; }
    public bool IsNull => Address.Length == 0;

    public string User => Address[..Address.IndexOf('@')];
    public string Domain => Address[(Address.IndexOf('@') + 1)..];

    /// <summary>Parses the text after "MAIL FROM:" / "RCPT TO:". Returns 0 or a negative XMail error number.</summary>
    public static int TryParse(ReadOnlySpan<char> text, out SmtpPath? path)
    {
        path = null;
        text = text.TrimStart(' ');
        if (text.Length == 0 || text[0] != '<') return -(int)ErrorCode.SmtpPathParseError;
        int gt = text.IndexOf('>');
        if (gt < 0) return -(int)ErrorCode.SmtpPathParseError;
        var inner = text[1..gt];
        var parameters = text[(gt + 1)..].Trim(' ').ToString();
        if (inner.Length == 0)
        {
            path = new SmtpPath("", [], parameters);
            return 0;
        }
        string[] route = [];
        if (inner[0] == '@')
        {
            int colon = inner.IndexOf(':');
            if (colon < 0) return -(int)ErrorCode.SmtpPathParseError;
            var hops = new List<string>();
            foreach (var range in inner[..colon].Split(','))
            {
                var hop = inner[..colon][range];
                if (hop.Length < 2 || hop[0] != '@') return -(int)ErrorCode.SmtpPathParseError;
                int e = CheckDomain(hop[1..]);
                if (e != 0) return e;
                hops.Add(hop[1..].ToString());
            }
            route = hops.ToArray();
            inner = inner[(colon + 1)..];
        }
        int err = CheckMailbox(inner);
        if (err != 0) return err;
        path = new SmtpPath(inner.ToString(), route, parameters);
        return 0;
    }

    /// <summary>0 when <paramref name="mailbox"/> is user@domain as XMail accepts it, else its error number.</summary>
    public static int CheckMailbox(ReadOnlySpan<char> mailbox)
    {
        const int badAddress = -(int)ErrorCode.BadTagAddress;
        if (mailbox.Length > MaxAddressLength) return badAddress;
        int at = mailbox.IndexOf('@');
        if (at <= 0 || at == mailbox.Length - 1) return badAddress;
        var user = mailbox[..at];
        if (user.Length > 64 || user[0] == '.' || user[^1] == '.') return badAddress;
        foreach (char c in user)
            if (!IsAtext(c) && c != '.') return badAddress;
        return CheckDomain(mailbox[(at + 1)..]);
    }

    /// <summary>A host name (labels of letters, digits, '-', '_') or a domain literal [1.2.3.4].</summary>
    public static int CheckDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length == 0 || domain.Length > 255) return -(int)ErrorCode.BadTagAddress;
        if (domain[0] == '[')
            return domain[^1] == ']' && System.Net.IPAddress.TryParse(domain[1..^1], out _) ? 0 : -(int)ErrorCode.InvalidHostname;
        if (domain[0] == '.' || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal)) return -(int)ErrorCode.BadTagAddress;
        foreach (char c in domain)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')) return -(int)ErrorCode.InvalidHostname;
        return 0;
    }

    private static bool IsAtext(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '=' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~';

    /// <summary>The value of ESMTP parameter NAME= in <see cref="Parameters"/> (case-insensitive), or null.</summary>
    public string? Parameter(string name)
    {
        foreach (var range in Parameters.AsSpan().Split(' '))
        {
            var p = Parameters.AsSpan()[range];
            if (p.Length > name.Length && p[name.Length] == '=' && p.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                return p[(name.Length + 1)..].ToString();
        }
        return null;
    }
}
