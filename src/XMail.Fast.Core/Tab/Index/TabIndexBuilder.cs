using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// Streams a TAB file once and writes its index (see <see cref="TabIndex"/> for the layout). Lines are
/// split on LF only (CR before it ignored), as XMail's fgets-based reader does. Malformed lines, records
/// with too few fields and records the schema rejects are logged with file:line and left out.
/// </summary>
public static class TabIndexBuilder
{
    private const int ReadChunk = 1 << 20;

    /// <summary>Writes the index of <paramref name="tab"/> (null: the file does not exist) to <paramref name="output"/>, which must be seekable.</summary>
    public static TabIndexHeader Build(Stream? tab, TabStamp stamp, TabIndexSchema schema, Stream output, string tabPath, ILogger? log)
    {
        ulong seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        long builtAt = DateTime.UtcNow.Ticks;
        var hashes = new List<ulong>();
        var offsets = new List<long>();
        var wild = new List<long>();
        long blobLength = 0, maxOf = 0, skipped = 0;

        output.Position = 0;
        output.Write(new byte[TabIndexHeader.Size]);

        void OnLine(ReadOnlySpan<byte> line, long lineNo)
        {
            var kind = TabFields.Parse(line, out var f, out int column);
            if (kind == TabParser.LineKind.Malformed)
            {
                skipped++;
                log?.LogWarning("{File}:{Line}: malformed TAB line skipped (unterminated quoted field at column {Column})", tabPath, lineNo, column);
                return;
            }
            if (kind != TabParser.LineKind.Record) return;
            if (f.Count < schema.MinFields)
            {
                skipped++;
                log?.LogWarning("{File}:{Line}: record has {Count} fields, {Min} expected; skipped", tabPath, lineNo, f.Count, schema.MinFields);
                return;
            }
            if (schema.Check?.Invoke(in f) is { } why)
            {
                skipped++;
                log?.LogWarning("{File}:{Line}: {Reason}; record skipped", tabPath, lineNo, why);
                return;
            }
            if (blobLength + line.Length + 1 > TabIndex.MaxBlobLength) throw new IOException($"{tabPath}: too large to index");
            if (schema.MaxOfField >= 0 && long.TryParse(f[schema.MaxOfField], NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                maxOf = Math.Max(maxOf, v);
            if (schema.IsWildcard(in f)) wild.Add(blobLength);
            else
            {
                ulong h = TabKeyHash.Start(seed);
                foreach (int k in schema.KeyFields) h = TabKeyHash.Add(h, f[k]);
                hashes.Add(TabKeyHash.Finish(h));
                offsets.Add(blobLength);
            }
            var trimmed = line;
            while (trimmed.Length > 0 && trimmed[^1] == (byte)'\r') trimmed = trimmed[..^1];
            output.Write(trimmed);
            output.WriteByte((byte)'\n');
            blobLength += trimmed.Length + 1;
        }

        if (tab is not null) ForEachLine(tab, OnLine);

        long padded = (blobLength + 7) & ~7L;
        for (long p = blobLength; p < padded; p++) output.WriteByte(0);

        long slotCount = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(8, hashes.Count * 2L));
        var slots = new ulong[slotCount];
        long mask = slotCount - 1;
        for (int r = 0; r < hashes.Count; r++)
        {
            long i = TabIndex.HomeSlot(hashes[r], mask);
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = TabIndex.Slot(hashes[r], offsets[r]);
        }
        WriteLittleEndian(output, slots);
        WriteLittleEndian(output, wild.Select(o => (ulong)o).ToArray());

        var header = new TabIndexHeader(schema.Fingerprint, stamp.Length, stamp.MtimeTicks, builtAt, seed, slotCount,
            hashes.Count, wild.Count, blobLength, maxOf, skipped);
        var head = new byte[TabIndexHeader.Size];
        header.Write(head);
        output.Position = 0;
        output.Write(head);
        output.Position = header.FileLength;
        return header;
    }

    /// <summary>Calls <paramref name="onLine"/> for every LF-terminated line (and a final unterminated one) with its 1-based number.</summary>
    internal static void ForEachLine(Stream tab, LineAction onLine)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            int filled = 0;
            long lineNo = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One line longer than the buffer: grow rather than split it.
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = tab.Read(buffer, filled, buffer.Length - filled);
                if (read == 0) break;
                filled += read;
                int start = 0;
                while (true)
                {
                    int lf = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    if (lf < 0) break;
                    onLine(buffer.AsSpan(start, lf), ++lineNo);
                    start += lf + 1;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
            if (filled > 0) onLine(buffer.AsSpan(0, filled), ++lineNo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal delegate void LineAction(ReadOnlySpan<byte> line, long lineNumber);

    private static void WriteLittleEndian(Stream output, ulong[] values)
    {
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(values[i]);
        output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }
}

/// <summary>What identifies one version of a TAB file: its length and modification time.</summary>
public readonly record struct TabStamp(long Length, long MtimeTicks, bool Exists)
{
    public static TabStamp Of(FileStream? open) =>
        open is null ? default : new TabStamp(open.Length, File.GetLastWriteTimeUtc(open.SafeFileHandle).Ticks, true);
}
