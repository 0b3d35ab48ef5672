namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// RFC 2034/3463 enhanced status codes: one table from (reply code, command, text) to "class.subject.detail",
/// applied to every reply line in one place when server.tab SmtpEnhancedStatusCodes is 1. RFC 2034 3: not on the
/// greeting nor on HELO/EHLO replies, and 3xx replies carry none. A reply that already has one keeps it.
/// </summary>
internal static class EnhancedStatusCodes
{
    public static string Apply(string reply, SmtpCommand command)
    {
        if (reply.Contains('\n'))
            return string.Join("\r\n", reply.Split("\r\n").Select(line => ApplyLine(line, command)));
        return ApplyLine(reply, command);
    }

    private static string ApplyLine(string line, SmtpCommand command)
    {
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])) return line;
        if (line[0] is not ('2' or '4' or '5')) return line;
        if (line.Length > 4 && HasCode(line.AsSpan(4))) return line;
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        var text = line.Length > 4 ? line[4..] : "";
        var enhanced = For(code, command, text);
        char sep = line.Length > 3 ? line[3] : ' ';
        return line[..3] + sep + enhanced + (text.Length > 0 ? " " + text : "");
    }

    private static bool HasCode(ReadOnlySpan<char> s)
    {
        int dots = 0, i = 0;
        if (s.Length < 5 || s[0] is not ('2' or '4' or '5') || s[1] != '.') return false;
        for (; i < s.Length && s[i] != ' '; i++)
        {
            if (s[i] == '.') dots++;
            else if (!char.IsAsciiDigit(s[i])) return false;
        }
        return dots == 2;
    }

    /// <summary>The table (RFC 3463 section 3; 5.7.23 for SPF is RFC 7372's, 5.7.1 for DMARC RFC 7489's usage).</summary>
    internal static string For(int code, SmtpCommand command, string text)
    {
        bool Has(string s) => text.Contains(s, StringComparison.OrdinalIgnoreCase);
        return code switch
        {
            250 when command == SmtpCommand.Mail => "2.1.0",
            250 when command == SmtpCommand.Rcpt => "2.1.5",
            235 => "2.7.0",
            252 => "2.5.0",
            >= 200 and < 300 => "2.0.0",
            421 when Has("Timeout") => "4.4.2",
            421 when Has("Too many errors") => "4.7.0",
            421 => "4.3.2",
            452 when Has("storage") => "4.3.1",
            454 => "4.7.0",
            >= 400 and < 500 => "4.3.0",
            500 => "5.5.2",
            501 when Has("return path") || command == SmtpCommand.Mail && Has("(") => "5.1.7",
            501 when Has("forward path") || command == SmtpCommand.Rcpt && Has("(") => "5.1.3",
            501 => "5.5.4",
            502 => "5.5.1",
            503 when Has("Authentication") => "5.7.8",
            503 => "5.5.1",
            504 when Has("spammer") => "5.7.1",
            504 => "5.5.4",
            505 => "5.1.8",
            530 => "5.7.0",
            550 when Has("Mailbox unavailable") || Has("does not match") => "5.1.1",
            550 when Has("Account disabled") => "5.2.1",
            550 => "5.7.1",
            551 => "5.7.1",
            552 when Has("recipients") => "5.5.3",
            552 when Has("size") => "5.3.4",
            552 => "5.2.2",
            554 when Has("Bare") || Has("NUL") || Has("line too long") => "5.6.0",
            554 => "5.7.1",
            555 => "5.5.4",
            557 => "5.7.1",
            _ => "5.0.0",
        };
    }
}
