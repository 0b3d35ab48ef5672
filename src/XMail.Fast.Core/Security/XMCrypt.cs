namespace XMail.Fast.Core.Security;

/// <summary>
/// XMail 1.27's reversible password encoding (mailusers.tab, ctrlaccounts.tab, pop3links.tab):
/// every byte XOR 0x65, written as two lower-case hex digits. Byte-identical with XMCrypt.cpp.
/// </summary>
public static class XMCrypt
{
    private const byte Key = 0x65;

    public static string Encode(string clear)
    {
        var bytes = Tab.TabFile.Bytes.GetBytes(clear);
        return string.Create(bytes.Length * 2, bytes, static (dst, src) =>
        {
            const string hex = "0123456789abcdef";
            for (int i = 0; i < src.Length; i++)
            {
                int b = src[i] ^ Key;
                dst[2 * i] = hex[b >> 4];
                dst[2 * i + 1] = hex[b & 0xF];
            }
        });
    }

    /// <summary>Decodes an encoded password; returns false for text that is not an even run of hex digits.</summary>
    public static bool TryDecode(string encoded, out string clear)
    {
        clear = "";
        if (encoded.Length % 2 != 0) return false;
        var bytes = new byte[encoded.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            int hi = HexValue(encoded[2 * i]), lo = HexValue(encoded[2 * i + 1]);
            if (hi < 0 || lo < 0) return false;
            bytes[i] = (byte)(((hi << 4) | lo) ^ Key);
        }
        clear = Tab.TabFile.Bytes.GetString(bytes);
        return true;
    }

    public static string Decode(string encoded) => TryDecode(encoded, out var clear) ? clear : encoded;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
