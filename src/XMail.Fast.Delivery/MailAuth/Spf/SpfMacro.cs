using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XMail.Fast.Delivery.MailAuth.Spf;

/// <summary>
/// RFC 7208 7: macro strings. <see cref="IsValidMacroString"/> checks the grammar at parse time; <see cref="Expand"/>
/// substitutes %{letter[digits][r][delimiters]}, "%%", "%_" and "%-". c, r and t are for exp= texts only.
/// </summary>
internal static class SpfMacro
{
    private const string Delimiters = ".-+,/_=";

    public static bool IsValidMacroString(string s, bool explain = false) => Expand(s, null, explain) is not null;

    /// <summary>True when the string ends with a "%{...}" expansion (domain-end = macro-expand).</summary>
    public static bool EndsWithMacroExpand(string s)
    {
        int open = s.LastIndexOf("%{", StringComparison.Ordinal);
        return open >= 0 && s.IndexOf('}', open) == s.Length - 1 && (open == 0 || s[open - 1] != '%' || IsEscapedPercent(s, open));
    }

    private static bool IsEscapedPercent(string s, int at)
    {
        // "%%{d}" is a literal "%" then "{d}"; count the run of '%' before the brace.
        int n = 0;
        for (int i = at; i >= 0 && s[i] == '%'; i--) n++;
        return n % 2 == 1;
    }

    /// <summary>
    /// Expands <paramref name="s"/>; null on a grammar error. With <paramref name="ctx"/> null only the grammar is
    /// checked. <paramref name="explain"/> allows c, r and t (7.3).
    /// </summary>
    public static string? Expand(string s, SpfMacroContext? ctx, bool explain = false)
    {
        var sb = new StringBuilder(s.Length + 32);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '%')
            {
                if (c < 0x20 || c > 0x7E) return null;
                sb.Append(c);
                continue;
            }
            if (++i >= s.Length) return null;
            switch (s[i])
            {
                case '%': sb.Append('%'); continue;
                case '_': sb.Append(' '); continue;
                case '-': sb.Append("%20"); continue;
                case '{': break;
                default: return null;
            }
            int close = s.IndexOf('}', i);
            if (close < 0) return null;
            var body = s.AsSpan(i + 1, close - i - 1);
            i = close;
            if (body.Length == 0) return null;
            char letter = body[0];
            string? value = ctx is null ? "" : Letter(char.ToLowerInvariant(letter), ctx, explain);
            if (!IsLetter(char.ToLowerInvariant(letter), explain) || value is null) return null;
            int k = 1;
            int digits = 0;
            bool anyDigit = false;
            while (k < body.Length && char.IsAsciiDigit(body[k]))
            {
                digits = Math.Min(digits * 10 + (body[k] - '0'), 1000);
                anyDigit = true;
                k++;
            }
            if (anyDigit && digits == 0) return null; // 7.1: the digit count must be nonzero
            bool reverse = false;
            if (k < body.Length && (body[k] == 'r' || body[k] == 'R'))
            {
                reverse = true;
                k++;
            }
            var delims = body[k..];
            foreach (char d in delims)
                if (!Delimiters.Contains(d)) return null;
            if (ctx is null) continue;
            var transformed = Transform(value, delims.Length == 0 ? "." : delims.ToString(), anyDigit ? digits : 0, reverse);
            sb.Append(char.IsAsciiLetterUpper(letter) ? UrlEscape(transformed) : transformed);
        }
        return sb.ToString();
    }

    private static bool IsLetter(char c, bool explain) => c is 's' or 'l' or 'o' or 'd' or 'i' or 'p' or 'h' or 'v' || (explain && c is 'c' or 'r' or 't');

    private static string? Letter(char c, SpfMacroContext ctx, bool explain) => c switch
    {
        's' => ctx.Sender,
        'l' => ctx.LocalPart,
        'o' => ctx.SenderDomain,
        'd' => ctx.Domain,
        'i' => DottedAddress(ctx.Client),
        'p' => ctx.ValidatedName ?? "unknown",
        'h' => ctx.Helo,
        'v' => ctx.Client.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6",
        'c' when explain => ctx.Client.ToString(),
        'r' when explain => ctx.Receiver,
        't' when explain => ctx.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>7.3: split on the delimiters, reverse if asked, keep the rightmost N parts, join with '.'.</summary>
    private static string Transform(string value, string delims, int keep, bool reverse)
    {
        var parts = value.Split(delims.ToCharArray());
        if (reverse) Array.Reverse(parts);
        if (keep > 0 && keep < parts.Length) parts = parts[^keep..];
        return string.Join('.', parts);
    }

    /// <summary>IPv4 dotted quad; IPv6 as 32 dot-separated nibbles (7.3 "i").</summary>
    public static string DottedAddress(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetwork) return ip.ToString();
        var b = ip.GetAddressBytes();
        var sb = new StringBuilder(63);
        foreach (var x in b)
        {
            if (sb.Length > 0) sb.Append('.');
            sb.Append("0123456789abcdef"[x >> 4]).Append('.').Append("0123456789abcdef"[x & 0xF]);
        }
        return sb.ToString();
    }

    /// <summary>7.3: upper-case macro letters URL-escape everything outside the unreserved set (RFC 3986).</summary>
    private static string UrlEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}

/// <summary>The values macros expand to for one check_host() call.</summary>
internal sealed record SpfMacroContext(IPAddress Client, string Sender, string LocalPart, string SenderDomain, string Domain, string Helo,
    string Receiver, long Timestamp, string? ValidatedName = null);
