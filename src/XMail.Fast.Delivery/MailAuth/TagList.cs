namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// RFC 6376 3.2 tag=value lists (DKIM-Signature, DKIM keys, ARC-Seal, DMARC records): "tag=value" separated by
/// ';', whitespace around both ignored. Null for a list with a malformed or repeated tag (3.2: a permerror).
/// </summary>
internal static class TagList
{
    public const int MaxTags = 64;

    public static Dictionary<string, string>? Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';'))
        {
            var item = part.Trim(' ', '\t', '\r', '\n');
            if (item.Length == 0) continue;
            int eq = item.IndexOf('=');
            if (eq <= 0) return null;
            var name = item[..eq].TrimEnd(' ', '\t', '\r', '\n');
            if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return null;
            if (tags.Count >= MaxTags || !tags.TryAdd(name, item[(eq + 1)..].Trim(' ', '\t', '\r', '\n'))) return null;
        }
        return tags;
    }

    /// <summary>A value with all folding whitespace removed (b=, bh=, p=).</summary>
    public static string Compact(string value)
    {
        Span<char> buffer = value.Length <= 4096 ? stackalloc char[value.Length] : new char[value.Length];
        int n = 0;
        foreach (char c in value)
            if (c is not (' ' or '\t' or '\r' or '\n')) buffer[n++] = c;
        return new string(buffer[..n]);
    }
}
