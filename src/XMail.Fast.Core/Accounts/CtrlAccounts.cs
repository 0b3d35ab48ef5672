using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// ctrlaccounts.tab ("CTRLACCOUNTS.TAB"): "username" "xmcrypt-password". Checks CTRL logins, clear text or
/// "#" + md5(&lt;timestamp&gt;password) as the admin protocol describes. Comparisons run in constant time.
/// </summary>
public sealed class CtrlAccounts
{
    private readonly Dictionary<string, string> _encoded;

    private CtrlAccounts(Dictionary<string, string> encoded) => _encoded = encoded;

    public int Count => _encoded.Count;

    public static CtrlAccounts Load(string path, ILogger? log = null)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in TabFile.Records(path, 2, log))
            map.TryAdd(line.Fields![0], line.Fields[1]); // first record wins, as XMail's linear scan
        return new CtrlAccounts(map);
    }

    /// <summary>
    /// True when <paramref name="password"/> is the account's clear password, or "#" followed by the hex MD5 of
    /// <paramref name="timestamp"/> (with its angle brackets) + the clear password.
    /// </summary>
    public bool Verify(string user, string password, string timestamp)
    {
        if (!_encoded.TryGetValue(user, out var encoded) || !XMCrypt.TryDecode(encoded, out var clear))
        {
            // Same work for unknown users, so timing does not reveal which names exist.
            _ = Md5Hex.DigestEquals(Md5Hex.Of(timestamp + password), password);
            return false;
        }
        if (password.StartsWith('#'))
            return Md5Hex.DigestEquals(Md5Hex.Of(timestamp + clear), password[1..]);
        return FixedTimeEquals(clear, password);
    }

    private static bool FixedTimeEquals(string a, string b)
    {
        // Case-sensitive, length leaks only through the early exit XMail's strcmp also has.
        if (a.Length != b.Length) return false;
        int diff = 0;
        for (int i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
        return diff == 0;
    }
}
