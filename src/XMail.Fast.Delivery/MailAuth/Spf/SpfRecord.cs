using System.Net;
using System.Net.Sockets;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Spf;

/// <summary>
/// A "v=spf1" record parsed per RFC 7208 4.6/12 (ABNF): mechanisms in order, redirect= and exp=. Any syntax error
/// anywhere in the record makes the whole record a permerror (4.6), even in terms evaluation would never reach.
/// </summary>
internal sealed class SpfRecord
{
    private SpfRecord(List<SpfMechanism> mechanisms, string? redirect, string? exp)
    {
        Mechanisms = mechanisms;
        Redirect = redirect;
        Explanation = exp;
    }

    public IReadOnlyList<SpfMechanism> Mechanisms { get; }
    public string? Redirect { get; }
    public string? Explanation { get; }

    /// <summary>4.5: "v=spf1" followed by a space or the end, compared case-insensitively.</summary>
    public static bool IsSpfRecord(string txt) =>
        txt.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (txt.Length == 6 || txt[6] == ' ');

    /// <summary>Parses a record selected by <see cref="IsSpfRecord"/>; null with <paramref name="error"/> on a syntax error.</summary>
    public static SpfRecord? Parse(string txt, out string? error)
    {
        error = null;
        var mechanisms = new List<SpfMechanism>();
        string? redirect = null, exp = null;
        foreach (var term in txt[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsPrintableAscii(term))
            {
                error = "non-ASCII or control character in record";
                return null;
            }
            if (TryParseModifier(term, out var name, out var value))
            {
                if (!SpfMacro.IsValidMacroString(value))
                {
                    error = $"bad macro in modifier '{term}'";
                    return null;
                }
                if (name.Equals("redirect", StringComparison.OrdinalIgnoreCase))
                {
                    if (redirect is not null || !IsDomainSpec(value)) return Fail(out error, $"bad or repeated redirect '{term}'");
                    redirect = value;
                }
                else if (name.Equals("exp", StringComparison.OrdinalIgnoreCase))
                {
                    if (exp is not null || !IsDomainSpec(value)) return Fail(out error, $"bad or repeated exp '{term}'");
                    exp = value;
                }
                continue; // 6: unknown modifiers are ignored
            }
            var m = ParseMechanism(term);
            if (m is null) return Fail(out error, $"unknown or malformed term '{term}'");
            mechanisms.Add(m);
        }
        return new SpfRecord(mechanisms, redirect, exp);
    }

    private static SpfRecord? Fail(out string? error, string why)
    {
        error = why;
        return null;
    }

    private static bool IsPrintableAscii(string s)
    {
        foreach (char c in s)
            if (c < 0x21 || c > 0x7E) return false;
        return true;
    }

    /// <summary>modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).</summary>
    private static bool TryParseModifier(string term, out string name, out string value)
    {
        name = value = "";
        int eq = term.IndexOf('=');
        if (eq <= 0) return false;
        var n = term.AsSpan(0, eq);
        if (!char.IsAsciiLetter(n[0])) return false;
        foreach (char c in n)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        name = n.ToString();
        value = term[(eq + 1)..];
        return true;
    }

    private static SpfMechanism? ParseMechanism(string term)
    {
        var onMatch = SpfResult.Pass;
        switch (term[0])
        {
            case '+': term = term[1..]; break;
            case '-': onMatch = SpfResult.Fail; term = term[1..]; break;
            case '~': onMatch = SpfResult.SoftFail; term = term[1..]; break;
            case '?': onMatch = SpfResult.Neutral; term = term[1..]; break;
        }
        int split = term.IndexOfAny([':', '/']);
        var name = split < 0 ? term : term[..split];
        var rest = split < 0 ? "" : term[split..];
        switch (name.ToLowerInvariant())
        {
            case "all":
                return rest.Length == 0 ? new SpfMechanism(onMatch, SpfMechanismKind.All) : null;
            case "include":
            case "exists":
            {
                if (!rest.StartsWith(':')) return null;
                var spec = rest[1..];
                if (!IsDomainSpec(spec)) return null;
                return new SpfMechanism(onMatch, name.Equals("include", StringComparison.OrdinalIgnoreCase) ? SpfMechanismKind.Include : SpfMechanismKind.Exists, spec);
            }
            case "a":
            case "mx":
                return ParseDualCidr(onMatch, name.Equals("a", StringComparison.OrdinalIgnoreCase) ? SpfMechanismKind.A : SpfMechanismKind.Mx, rest);
            case "ptr":
                if (rest.Length == 0) return new SpfMechanism(onMatch, SpfMechanismKind.Ptr);
                return rest.StartsWith(':') && IsDomainSpec(rest[1..]) ? new SpfMechanism(onMatch, SpfMechanismKind.Ptr, rest[1..]) : null;
            case "ip4":
            case "ip6":
                return ParseNetwork(onMatch, name.Equals("ip4", StringComparison.OrdinalIgnoreCase), rest);
            default:
                return null;
        }
    }

    /// <summary>
    /// a / mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ]. The lengths are taken from the end,
    /// since a domain-spec may itself contain '/' and ':' (7.1).
    /// </summary>
    private static SpfMechanism? ParseDualCidr(SpfResult onMatch, SpfMechanismKind kind, string rest)
    {
        int c4 = 32, c6 = 128;
        if (TrailingCidr(ref rest, "//") is { } six && !TryCidr(six, 128, out c6)) return null;
        if (TrailingCidr(ref rest, "/") is { } four && !TryCidr(four, 32, out c4)) return null;
        string? spec = null;
        if (rest.StartsWith(':'))
        {
            spec = rest[1..];
            if (!IsDomainSpec(spec)) return null;
        }
        else if (rest.Length > 0) return null;
        return new SpfMechanism(onMatch, kind, spec, c4, c6);
    }

    /// <summary>Cuts "<paramref name="sep"/>digits" off the end of <paramref name="rest"/> and returns the digits.</summary>
    private static string? TrailingCidr(ref string rest, string sep)
    {
        int i = rest.Length;
        while (i > 0 && char.IsAsciiDigit(rest[i - 1])) i--;
        if (i == rest.Length || i < sep.Length || rest.AsSpan(i - sep.Length, sep.Length).SequenceEqual(sep) is false) return null;
        if (sep == "/" && i >= 2 && rest[i - 2] == '/') return null; // that was "//"
        var digits = rest[i..];
        rest = rest[..(i - sep.Length)];
        return digits;
    }

    private static SpfMechanism? ParseNetwork(SpfResult onMatch, bool v4, string rest)
    {
        if (!rest.StartsWith(':')) return null;
        var body = rest[1..];
        int slash = body.IndexOf('/');
        var addr = slash < 0 ? body : body[..slash];
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0 && !TryCidr(body[(slash + 1)..], max, out prefix)) return null;
        if (!IPAddress.TryParse(addr, out var ip)) return null;
        if (v4 && (ip.AddressFamily != AddressFamily.InterNetwork || !IsDottedQuad(addr))) return null;
        if (!v4 && (ip.AddressFamily != AddressFamily.InterNetworkV6 || !addr.Contains(':'))) return null;
        return new SpfMechanism(onMatch, v4 ? SpfMechanismKind.Ip4 : SpfMechanismKind.Ip6, Network: ip, Prefix: prefix);
    }

    /// <summary>ip4-network = qnum "." qnum "." qnum "." qnum (IPAddress.TryParse also takes "1.2" and octal forms).</summary>
    private static bool IsDottedQuad(string s)
    {
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
            if (p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p) > 255) return false;
        return true;
    }

    /// <summary>"0" / %x31-39 0*1DIGIT (ip4) or 0*2DIGIT (ip6): no leading zeros, at most <paramref name="max"/>.</summary>
    private static bool TryCidr(string s, int max, out int value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 3 || !s.All(char.IsAsciiDigit) || (s.Length > 1 && s[0] == '0')) return false;
        value = int.Parse(s);
        return value <= max;
    }

    /// <summary>
    /// domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand. A spec whose
    /// end is a macro is checked again after expansion (<see cref="SpfEvaluator"/>).
    /// </summary>
    internal static bool IsDomainSpec(string spec)
    {
        if (spec.Length == 0 || !SpfMacro.IsValidMacroString(spec)) return false;
        if (spec.EndsWith('}') && SpfMacro.EndsWithMacroExpand(spec)) return true;
        var s = spec.EndsWith('.') ? spec[..^1] : spec;
        int dot = s.LastIndexOf('.');
        if (dot < 0) return false;
        return IsTopLabel(s[(dot + 1)..]);
    }

    /// <summary>toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).</summary>
    internal static bool IsTopLabel(string label)
    {
        if (label.Length == 0 || label.Length > 63) return false;
        if (!char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1])) return false;
        bool letter = false, hyphen = false;
        foreach (char c in label)
        {
            if (char.IsAsciiLetter(c)) letter = true;
            else if (c == '-') hyphen = true;
            else if (!char.IsAsciiDigit(c)) return false;
        }
        return letter || hyphen;
    }
}
