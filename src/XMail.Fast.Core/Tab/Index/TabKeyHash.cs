using System.Numerics;
using System.Runtime.CompilerServices;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// Case-insensitive hashing and comparison of index keys, identical whether the key comes from the
/// TAB file (Latin-1 bytes) or from a lookup (chars). Folding is <see cref="char.ToUpperInvariant"/>,
/// the mapping behind <see cref="StringComparison.OrdinalIgnoreCase"/>, so the index answers exactly
/// what the old OrdinalIgnoreCase dictionaries answered. Folded chars are packed four to a 64-bit word
/// and mixed a word at a time (multiply-rotate, so the serial dependency chain is a quarter of the key
/// length), then avalanched; the per-index random seed (stored in the index header) keeps keys an
/// outsider chooses from being aimed at one probe chain.
/// </summary>
public static class TabKeyHash
{
    private const ulong Mul = 0x9E3779B97F4A7C15UL;
    private const ulong Basis = 0xcbf29ce484222325UL;
    // Mixed in after each key field with its length, so ("ab","c") and ("a","bc") differ.
    private const ulong FieldSeparator = 0x1_0000_0000_0000UL;

    private static readonly ushort[] Latin1Fold = BuildFold();

    private static ushort[] BuildFold()
    {
        var t = new ushort[256];
        for (int i = 0; i < t.Length; i++) t[i] = char.ToUpperInvariant((char)i);
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fold(char c) => c < 256 ? Latin1Fold[c] : char.ToUpperInvariant(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fold(byte b) => Latin1Fold[b];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, ulong word) => BitOperations.RotateLeft((h ^ word) * Mul, 29);

    public static ulong Start(ulong seed) => Basis ^ seed;

    public static ulong Add(ulong h, ReadOnlySpan<char> key)
    {
        int i = 0;
        for (; i + 4 <= key.Length; i += 4)
            h = Mix(h, Fold(key[i]) | Fold(key[i + 1]) << 16 | Fold(key[i + 2]) << 32 | Fold(key[i + 3]) << 48);
        ulong tail = 0;
        for (int shift = 0; i < key.Length; i++, shift += 16) tail |= Fold(key[i]) << shift;
        return Mix(Mix(h, tail), FieldSeparator | (uint)key.Length);
    }

    public static ulong Add(ulong h, ReadOnlySpan<byte> key)
    {
        int i = 0;
        for (; i + 4 <= key.Length; i += 4)
            h = Mix(h, Fold(key[i]) | Fold(key[i + 1]) << 16 | Fold(key[i + 2]) << 32 | Fold(key[i + 3]) << 48);
        ulong tail = 0;
        for (int shift = 0; i < key.Length; i++, shift += 16) tail |= Fold(key[i]) << shift;
        return Mix(Mix(h, tail), FieldSeparator | (uint)key.Length);
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
