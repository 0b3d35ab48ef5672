using System.Runtime.CompilerServices;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// Case-insensitive hashing and comparison of index keys, identical whether the key comes from the
/// TAB file (Latin-1 bytes) or from a lookup (chars). Folding is <see cref="char.ToUpperInvariant"/>,
/// the mapping behind <see cref="StringComparison.OrdinalIgnoreCase"/>, so the index answers exactly
/// what the old OrdinalIgnoreCase dictionaries answered. The hash is FNV-1a over folded chars with a
/// per-index random seed (stored in the index header) and a final avalanche, so keys an outsider
/// chooses cannot be aimed at one probe chain.
/// </summary>
public static class TabKeyHash
{
    private const ulong Prime = 0x100000001b3UL;
    private const ulong Basis = 0xcbf29ce484222325UL;
    // Mixed in between key fields; above any char so ("ab","c") and ("a","bc") differ.
    private const uint FieldSeparator = 0x10000;

    private static readonly ushort[] Latin1Fold = BuildFold();

    private static ushort[] BuildFold()
    {
        var t = new ushort[256];
        for (int i = 0; i < t.Length; i++) t[i] = char.ToUpperInvariant((char)i);
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Fold(char c) => c < 256 ? Latin1Fold[c] : char.ToUpperInvariant(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Fold(byte b) => Latin1Fold[b];

    public static ulong Start(ulong seed) => Basis ^ seed;

    public static ulong Add(ulong h, ReadOnlySpan<char> key)
    {
        foreach (char c in key) h = (h ^ Fold(c)) * Prime;
        return (h ^ FieldSeparator) * Prime;
    }

    public static ulong Add(ulong h, ReadOnlySpan<byte> key)
    {
        foreach (byte b in key) h = (h ^ Fold(b)) * Prime;
        return (h ^ FieldSeparator) * Prime;
    }

    /// <summary>Final avalanche (murmur3 fmix64) so both the low bits (slot) and the high bits (tag) are well mixed.</summary>
    public static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>Case-insensitive equality of a Latin-1 field and a lookup key.</summary>
    public static bool Equal(ReadOnlySpan<byte> field, ReadOnlySpan<char> key)
    {
        if (field.Length != key.Length) return false;
        for (int i = 0; i < field.Length; i++)
        {
            char c = key[i];
            if (field[i] != c && Fold(field[i]) != Fold(c)) return false;
        }
        return true;
    }

    /// <summary>Case-insensitive equality of two Latin-1 fields.</summary>
    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (a[i] != b[i] && Fold(a[i]) != Fold(b[i])) return false;
        return true;
    }
}
