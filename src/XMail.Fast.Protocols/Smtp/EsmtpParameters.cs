namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// Checks the ESMTP parameters after the path of MAIL FROM / RCPT TO (RFC 5321 4.1.2, RFC 1869). Only what we
/// advertise is accepted: MAIL takes SIZE=digits (RFC 1870), BODY=7BIT|8BITMIME (RFC 6152) and AUTH= (RFC 4954);
/// RCPT takes none. Works on the span: no allocation per command. XMail 1.27 ignored unknown parameters, which
/// let a client believe an extension (DSN, SMTPUTF8, BINARYMIME) was honoured when it was not.
/// </summary>
public static class EsmtpParameters
{
    /// <summary>Null when every MAIL FROM parameter is acceptable, else the reply to send.</summary>
    public static string? CheckMail(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(' '))
        {
            var p = parameters[range];
            if (p.IsEmpty) continue;
            int eq = p.IndexOf('=');
            var keyword = eq < 0 ? p : p[..eq];
            var value = eq < 0 ? ReadOnlySpan<char>.Empty : p[(eq + 1)..];
            if (!IsKeyword(keyword)) return SmtpReplies.ParameterSyntax;
            if (keyword.Equals("SIZE", StringComparison.OrdinalIgnoreCase))
            {
                // 1*20DIGIT (RFC 1870); a value that does not fit a long is no size we could honour either.
                if (value.IsEmpty || value.Length > 19 || !IsDigits(value)) return SmtpReplies.BadSizeParameter;
            }
            else if (keyword.Equals("BODY", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase))
                    continue;
                // BINARYMIME is a real body type whose extension (CHUNKING) we do not offer; anything else is bad syntax.
                return value.Equals("BINARYMIME", StringComparison.OrdinalIgnoreCase) ? SmtpReplies.UnsupportedBody : SmtpReplies.BadBodyParameter;
            }
            else if (keyword.Equals("AUTH", StringComparison.OrdinalIgnoreCase))
            {
                if (value.IsEmpty) return SmtpReplies.ParameterSyntax;
            }
            else return SmtpReplies.UnsupportedParameter;
        }
        return null;
    }

    /// <summary>
    /// The MAIL FROM parameters as the spool records them: the client's AUTH= is dropped and, when this session
    /// authenticated, replaced by the login it made. The spool's AUTH= is what message filters (!aex), closed
    /// mailing lists and $(USERAUTH) trust, so a client must never choose it (RFC 4954 section 5: an AUTH= from a
    /// client that is not trusted is treated as AUTH=&lt;&gt;).
    /// </summary>
    public static string ForSpool(string parameters, string? authenticatedUser)
    {
        var kept = new System.Text.StringBuilder(parameters.Length + 32);
        foreach (var range in parameters.AsSpan().Split(' '))
        {
            var p = parameters.AsSpan()[range];
            if (p.IsEmpty || p.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase)) continue;
            if (kept.Length > 0) kept.Append(' ');
            kept.Append(p);
        }
        if (authenticatedUser is not null) kept.Append(kept.Length > 0 ? " AUTH=" : "AUTH=").Append(authenticatedUser);
        return kept.ToString();
    }

    /// <summary>Null when RCPT TO carries no parameter (we advertise no RCPT extension), else the reply to send.</summary>
    public static string? CheckRcpt(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(' '))
        {
            var p = parameters[range];
            if (p.IsEmpty) continue;
            int eq = p.IndexOf('=');
            return IsKeyword(eq < 0 ? p : p[..eq]) ? SmtpReplies.UnsupportedParameter : SmtpReplies.ParameterSyntax;
        }
        return null;
    }

    /// <summary>esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").</summary>
    private static bool IsKeyword(ReadOnlySpan<char> k)
    {
        if (k.IsEmpty || !char.IsAsciiLetterOrDigit(k[0])) return false;
        foreach (char c in k)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
