namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// Pulls mailbox addresses out of a To:/Cc:/Bcc: header value (-t) or a --rcpt-file line: "a@b",
/// "Name &lt;a@b&gt;", "\"Last, First\" &lt;a@b&gt;", groups "team: a@b, c@d;". Items without '@' are skipped, as in XMail 1.27.
/// </summary>
public static class RecipientExtractor
{
    // SendMail.cpp's AddressFromAtPtr stops an address at these characters.
    private const string Delimiters = "<> \t,\":;'()\r\n";

    public static void Extract(ReadOnlySpan<char> value, List<string> into)
    {
        int start = 0, depthAngle = 0, depthParen = 0;
        bool quoted = false;
        for (int i = 0; i <= value.Length; i++)
        {
            char c = i < value.Length ? value[i] : ',';
            if (quoted)
            {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case '(': depthParen++; break;
                case ')': if (depthParen > 0) depthParen--; break;
                case '<': if (depthParen == 0) depthAngle++; break;
                case '>': if (depthParen == 0 && depthAngle > 0) depthAngle--; break;
                case ',' or ';' when depthAngle == 0 && depthParen == 0:
                    var address = AddressOf(value[start..Math.Min(i, value.Length)]);
                    if (address is not null) into.Add(address);
                    start = i + 1;
                    break;
            }
        }
    }

    private static string? AddressOf(ReadOnlySpan<char> item)
    {
        int open = LastOutsideQuotesAndComments(item, '<');
        if (open >= 0)
        {
            int close = item[open..].IndexOf('>');
            var inner = (close < 0 ? item[(open + 1)..] : item.Slice(open + 1, close - 1)).Trim();
            // Drop an obsolete source route "@relay1,@relay2:user@dom".
            int colon = inner.LastIndexOf(':');
            if (inner.StartsWith("@") && colon >= 0) inner = inner[(colon + 1)..];
            return IsAddress(inner) ? inner.ToString() : null;
        }
        var bare = StripQuotesAndComments(item);
        int at = bare.IndexOf('@');
        if (at < 0) return null;
        int s = at, e = at + 1;
        while (s > 0 && !Delimiters.Contains(bare[s - 1])) s--;
        while (e < bare.Length && !Delimiters.Contains(bare[e])) e++;
        var candidate = bare[s..e];
        return IsAddress(candidate) ? candidate : null;
    }

    private static int LastOutsideQuotesAndComments(ReadOnlySpan<char> s, char wanted)
    {
        bool quoted = false;
        int found = -1, paren = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quoted) { if (c == '"') quoted = false; }
            else if (c == '"' && paren == 0) quoted = true;
            else if (c == '(') paren++;
            else if (c == ')' && paren > 0) paren--;
            else if (paren == 0 && c == wanted) found = i;
        }
        return found;
    }

    private static string StripQuotesAndComments(ReadOnlySpan<char> s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        bool quoted = false;
        int paren = 0;
        foreach (char c in s)
        {
            if (quoted) { if (c == '"') quoted = false; sb.Append(' '); continue; }
            if (c == '"' && paren == 0) { quoted = true; sb.Append(' '); continue; }
            if (c == '(') { paren++; sb.Append(' '); continue; }
            if (c == ')' && paren > 0) { paren--; sb.Append(' '); continue; }
            sb.Append(paren > 0 ? ' ' : c);
        }
        return sb.ToString();
    }

    /// <summary>An envelope value (sender or command-line recipient) that cannot break the spool file's "&lt;...&gt;" lines.</summary>
    public static bool IsEnvelopeSafe(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || s.Length > 255) return false;
        foreach (char c in s)
            if (c <= ' ' || c == 0x7F || c is '<' or '>') return false;
        return true;
    }

    /// <summary>Something that can sit between "&lt;" and "&gt;" in a spool envelope line without breaking it.</summary>
    public static bool IsAddress(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || s.Length > 255) return false;
        int at = s.IndexOf('@');
        if (at <= 0 || at == s.Length - 1) return false;
        foreach (char c in s)
            if (c <= ' ' || c == 0x7F || c is '<' or '>' or ',' or '"') return false;
        return true;
    }
}
