using System.Security.Cryptography;

namespace XMail.Fast.Core.Security;

/// <summary>Lower-case hex MD5 and HMAC-MD5, as used by CTRL #md5 logins, POP3 APOP and SMTP CRAM-MD5.</summary>
public static class Md5Hex
{
    public static string Of(string text) => Convert.ToHexStringLower(MD5.HashData(Tab.TabFile.Bytes.GetBytes(text)));

    public static string Hmac(string key, string text) =>
        Convert.ToHexStringLower(HMACMD5.HashData(Tab.TabFile.Bytes.GetBytes(key), Tab.TabFile.Bytes.GetBytes(text)));

    /// <summary>Constant-time comparison of two ASCII digests, case-insensitive.</summary>
    public static bool DigestEquals(string a, string b)
    {
        if (a.Length != b.Length) return false;
        int diff = 0;
        for (int i = 0; i < a.Length; i++) diff |= char.ToLowerInvariant(a[i]) ^ char.ToLowerInvariant(b[i]);
        return diff == 0;
    }
}
