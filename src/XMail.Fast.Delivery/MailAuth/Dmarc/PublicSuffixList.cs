namespace XMail.Fast.Delivery.MailAuth.Dmarc;

/// <summary>
/// The Public Suffix List (publicsuffix.org format: one rule a line, "//" comments, "*." wildcards, "!" exceptions)
/// and the organizational domain of RFC 7489 3.2: the public suffix plus one label. Without a list only the
/// implicit "*" rule applies (the last two labels), which is right for .com/.org/.net style names and wrong for
/// ones like co.uk: hence Debian's publicsuffix package as the default source.
/// </summary>
public sealed class PublicSuffixList
{
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions)
    {
        _rules = rules;
        _wildcards = wildcards;
        _exceptions = exceptions;
    }

    public static readonly PublicSuffixList Empty = new([], [], []);

    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    public static PublicSuffixList Parse(IEnumerable<string> lines)
    {
        var rules = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var exceptions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            int sp = line.IndexOfAny([' ', '\t']);
            if (sp >= 0) line = line[..sp];
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            line = ToAscii(line);
            if (line.StartsWith('!')) exceptions.Add(line[1..]);
            else if (line.StartsWith("*.", StringComparison.Ordinal)) wildcards.Add(line[2..]);
            else rules.Add(line);
        }
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    public static PublicSuffixList Load(string path) => Parse(File.ReadLines(path));

    /// <summary>The organizational domain of <paramref name="domain"/> (lower case, no trailing dot).</summary>
    public string OrganizationalDomain(string domain)
    {
        domain = ToAscii(domain.TrimEnd('.').ToLowerInvariant());
        var labels = domain.Split('.');
        int suffixLabels = SuffixLabels(labels);
        if (labels.Length <= suffixLabels) return domain; // the name is itself a public suffix
        return string.Join('.', labels[^(suffixLabels + 1)..]);
    }

    /// <summary>How many trailing labels form the public suffix (publicsuffix.org's algorithm).</summary>
    private int SuffixLabels(string[] labels)
    {
        int best = 1; // the implicit "*" rule
        for (int n = 1; n <= labels.Length; n++)
        {
            var candidate = string.Join('.', labels[^n..]);
            if (_exceptions.Contains(candidate)) return n - 1;
            if (_rules.Contains(candidate)) best = Math.Max(best, n);
            if (n < labels.Length && _wildcards.Contains(candidate)) best = Math.Max(best, n + 1);
        }
        return best;
    }

    private static readonly System.Globalization.IdnMapping Idn = new();

    private static string ToAscii(string name)
    {
        foreach (char c in name)
            if (c > 0x7F)
            {
                try { return Idn.GetAscii(name); }
                catch (ArgumentException) { return name; }
            }
        return name;
    }
}
