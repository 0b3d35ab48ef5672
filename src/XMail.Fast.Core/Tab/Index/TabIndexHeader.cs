using System.Buffers.Binary;
using System.Numerics;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// The fixed 128-byte header of a .hidx file (little-endian). It names the TAB file state the index
/// was built from, so a stale index is never used, and the section bounds, so a truncated or foreign
/// file is rejected instead of read.
/// </summary>
public readonly record struct TabIndexHeader(
    uint Fingerprint,
    long TabLength,
    long TabMtimeTicks,
    long BuiltAtTicks,
    ulong Seed,
    long SlotCount,
    long RecordCount,
    long WildCount,
    long BlobLength,
    long MaxOfField,
    long SkippedLines)
{
    public const int Size = 128;
    public const int Version = 2; // 2: word-at-a-time key hash
    private const ulong Magic = 0x0058444948464D58UL; // "XMFHIDX\0"

    public long BlobOffset => Size;
    // Slots start 8-byte aligned; the blob is padded with zeros up to them.
    public long SlotsOffset => Size + ((BlobLength + 7) & ~7L);
    public long WildOffset => SlotsOffset + SlotCount * 8;
    public long FileLength => WildOffset + WildCount * 8;

    public void Write(Span<byte> b)
    {
        b[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(b, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(b[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], Fingerprint);
        BinaryPrimitives.WriteInt64LittleEndian(b[16..], TabLength);
        BinaryPrimitives.WriteInt64LittleEndian(b[24..], TabMtimeTicks);
        BinaryPrimitives.WriteInt64LittleEndian(b[32..], BuiltAtTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(b[40..], Seed);
        BinaryPrimitives.WriteInt64LittleEndian(b[48..], SlotCount);
        BinaryPrimitives.WriteInt64LittleEndian(b[56..], RecordCount);
        BinaryPrimitives.WriteInt64LittleEndian(b[64..], WildCount);
        BinaryPrimitives.WriteInt64LittleEndian(b[72..], BlobLength);
        BinaryPrimitives.WriteInt64LittleEndian(b[80..], MaxOfField);
        BinaryPrimitives.WriteInt64LittleEndian(b[88..], SkippedLines);
    }

    /// <summary>Reads and checks a header against the actual file length; false for anything inconsistent.</summary>
    public static bool TryRead(ReadOnlySpan<byte> b, long fileLength, out TabIndexHeader header)
    {
        header = default;
        if (b.Length < Size || fileLength < Size) return false;
        if (BinaryPrimitives.ReadUInt64LittleEndian(b) != Magic || BinaryPrimitives.ReadInt32LittleEndian(b[8..]) != Version) return false;
        header = new TabIndexHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(b[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[48..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[56..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[64..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[72..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[80..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[88..]));
        var h = header;
        // Probing stops at an empty slot, so there must be more slots than records.
        return h.SlotCount > 0 && BitOperations.IsPow2(h.SlotCount) && h.SlotCount <= fileLength / 8 &&
               h.RecordCount >= 0 && h.RecordCount < h.SlotCount &&
               h.WildCount >= 0 && h.WildCount <= fileLength / 8 &&
               h.BlobLength >= 0 && h.BlobLength <= fileLength && h.BlobLength < TabIndex.MaxBlobLength &&
               h.FileLength == fileLength;
    }
}
