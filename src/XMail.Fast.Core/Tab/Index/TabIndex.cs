using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// A read-only hash index of one TAB file: MailRoot/tabindex/&lt;table&gt;.hidx, memory-mapped.
/// <para>
/// Layout: a <see cref="TabIndexHeader"/>, then the <em>record blob</em> (every valid record line of the TAB
/// file, in file order, each ending in LF; comments, blank and malformed lines left out), then an
/// open-addressing slot table (linear probing, power-of-two size, load ≤ 1/2), then the blob offsets of the
/// wildcard records. A slot is <c>tag:24 | (blobOffset + 1):40</c>; 0 means empty. The tag is the top 24
/// bits of the key hash, the home slot its low bits, so nearly every probe that is not a hit is rejected
/// without touching the blob.
/// </para>
/// <para>
/// Why the record lines are copied into the index instead of pointing into a mapping of the TAB file
/// itself: an administrator's editor may rewrite the TAB file in place (truncate + write, as nano does),
/// and a mapped page beyond the new end of file faults with SIGBUS, killing the server. The .hidx file is
/// only ever replaced by rename, so its mapping stays valid for as long as a reader holds it. The copy
/// also lets listings and wildcard scans run from the index without re-parsing the TAB file.
/// </para>
/// <para>
/// Lookups hash the key spans, probe, and compare the candidate line's key fields case-insensitively:
/// no allocation on a hit or a miss. Duplicate keys: records are inserted in file order, so the first one
/// in the file is met first on its probe chain, as a linear scan would find it.
/// </para>
/// </summary>
public sealed unsafe class TabIndex
{
    /// <summary>Blob offsets are stored in 40 bits.</summary>
    public const long MaxBlobLength = (1L << 40) - 2;
    private const int OffsetBits = 40;
    private const ulong OffsetMask = (1UL << OffsetBits) - 1;

    private readonly IndexMemory _memory;
    private readonly TabIndexSchema _schema;
    private readonly byte* _blob;
    private readonly ulong* _slots;
    private readonly ulong* _wild;
    private readonly long _slotMask;
    private readonly ulong _seed;
    private readonly int _fieldsToCompare;
    private readonly long _blobLength;

    public TabIndex(IndexMemory memory, TabIndexHeader header, TabIndexSchema schema, string tabPath, string? indexPath)
    {
        if (memory.Length != header.FileLength) throw new ArgumentException("index length does not match its header", nameof(memory));
        _memory = memory;
        _schema = schema;
        Header = header;
        TabPath = tabPath;
        IndexPath = indexPath;
        _blob = memory.Pointer + header.BlobOffset;
        _slots = (ulong*)(memory.Pointer + header.SlotsOffset);
        _wild = (ulong*)(memory.Pointer + header.WildOffset);
        _slotMask = header.SlotCount - 1;
        _seed = header.Seed;
        _fieldsToCompare = schema.KeyFields.Max() + 1;
        _blobLength = header.BlobLength;
    }

    public TabIndexHeader Header { get; }
    public TabIndexSchema Schema => _schema;
    public string TabPath { get; }

    /// <summary>The .hidx file this index is mapped from; null for an in-memory index.</summary>
    public string? IndexPath { get; }

    public bool IsMapped => _memory.IsMapped;
    public long RecordCount => Header.RecordCount;
    public long WildCount => Header.WildCount;

    /// <summary>Blob offset of the first exact record with this one-field key, or -1.</summary>
    public long Find(ReadOnlySpan<char> key) => Find(key, default, out _);

    /// <summary>Blob offset of the first exact (non-wildcard) record with this key, or -1; <paramref name="slot"/> is where it was found.</summary>
    public long Find(ReadOnlySpan<char> key0, ReadOnlySpan<char> key1, out long slot)
    {
        var keys = _schema.KeyFields;
        ulong h = TabKeyHash.Add(TabKeyHash.Start(_seed), key0);
        if (keys.Length > 1) h = TabKeyHash.Add(h, key1);
        h = TabKeyHash.Finish(h);
        ulong tag = h >> OffsetBits;
        long i = (long)h & _slotMask;
        long blobLength = _blobLength;
        for (long probes = 0; probes <= _slotMask; probes++, i = (i + 1) & _slotMask)
        {
            ulong s = _slots[i];
            if (s == 0) break;
            if (s >> OffsetBits != tag) continue;
            long offset = (long)(s & OffsetMask) - 1;
            if ((ulong)offset >= (ulong)blobLength) continue; // corrupt slot: never read outside the blob
            if (TabFields.Parse(LineAt(offset), _fieldsToCompare, out var f, out _) != TabParser.LineKind.Record || f.Count < _fieldsToCompare) continue;
            if (!TabKeyHash.Equal(f[keys[0]], key0)) continue;
            if (keys.Length > 1 && !TabKeyHash.Equal(f[keys[1]], key1)) continue;
            slot = i;
            GC.KeepAlive(_memory);
            return offset;
        }
        slot = -1;
        GC.KeepAlive(_memory);
        return -1;
    }

    /// <summary>
    /// The record line at a blob offset (without LF). The span points into the mapping: the caller must keep
    /// this <see cref="TabIndex"/> reachable (e.g. <c>GC.KeepAlive(index)</c>) until it is done with it.
    /// </summary>
    public ReadOnlySpan<byte> LineAt(long offset)
    {
        long remaining = _blobLength - offset;
        if (offset < 0 || remaining <= 0) return default;
        var rest = new ReadOnlySpan<byte>(_blob + offset, (int)Math.Min(remaining, int.MaxValue));
        int lf = rest.IndexOf((byte)'\n');
        return lf < 0 ? rest : rest[..lf];
    }

    /// <summary>Walks the records in file order: start with offset 0, stop when it returns false.</summary>
    public bool TryNext(ref long offset, out long recordOffset)
    {
        recordOffset = offset;
        if (offset < 0 || offset >= Header.BlobLength) return false;
        offset += LineAt(offset).Length + 1;
        return true;
    }

    /// <summary>Blob offset of the i-th wildcard record (file order).</summary>
    public long WildOffset(long i)
    {
        if ((ulong)i >= (ulong)Header.WildCount) throw new ArgumentOutOfRangeException(nameof(i));
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_wild + i, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Slot(ulong hash, long blobOffset) => (hash >> OffsetBits << OffsetBits) | (ulong)(blobOffset + 1);

    internal static long HomeSlot(ulong hash, long slotMask) => (long)hash & slotMask;
}
