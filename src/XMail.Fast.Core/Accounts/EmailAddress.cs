namespace XMail.Fast.Core.Accounts;

/// <summary>Splitting and checking "user@domain" addresses without allocating on the lookup path.</summary>
public static class EmailAddress
{
    public static bool TrySplit(ReadOnlySpan<char> address, out ReadOnlySpan<char> user, out ReadOnlySpan<char> domain)
    {
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            user = domain = default;
            return false;
        }
        user = address[..at];
        domain = address[(at + 1)..];
        return true;
    }

    public static bool TrySplit(string address, out string user, out string domain)
    {
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            user = domain = "";
            return false;
        }
        user = address[..at];
        domain = address[(at + 1)..];
        return true;
    }

    /// <summary>A syntactically plausible mailbox: local@domain, no spaces, controls, quotes or brackets.</summary>
    public static bool IsValid(ReadOnlySpan<char> address)
    {
        if (!TrySplit(address, out var user, out var domain)) return false;
        foreach (char c in address)
            if (c <= ' ' || c == 0x7F || c is '<' or '>' or '"' or '(' or ')' or ',' or ';' or '\\' or '[' or ']') return false;
        if (user.Contains('@')) return false;
        return domain.IndexOf('.') != 0 && !domain.EndsWith(".") && !domain.Contains("..", StringComparison.Ordinal);
    }
}
