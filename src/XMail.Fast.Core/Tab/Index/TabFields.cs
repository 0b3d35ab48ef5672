using System.Runtime.CompilerServices;
using System.Text;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// The fields of one TAB line as byte ranges, parsed without allocating. Same grammar as
/// <see cref="TabParser"/> (quoted fields run to the next quote, bare fields to the next TAB,
/// '#' starts a comment), so the index and the in-memory readers agree on every line.
/// </summary>
public ref struct TabFields
{
    /// <summary>Fields beyond this are counted but not addressable; no XMail table has more than 7.</summary>
    public const int MaxFields = 16;

    private const byte Quote = (byte)'"';
    private const byte Tab = (byte)'\t';
    private const byte Space = (byte)' ';
    private const byte Hash = (byte)'#';
    private const byte CR = (byte)'\r';

    private ReadOnlySpan<byte> _line;
    private Ranges _ranges;

    /// <summary>Number of fields on the line (may exceed <see cref="MaxFields"/>).</summary>
    public int Count { get; private set; }

    public readonly ReadOnlySpan<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Math.Min(Count, MaxFields)) throw new ArgumentOutOfRangeException(nameof(index));
            var r = _ranges[index];
            return _line.Slice(r.Start, r.Length);
        }
    }

    /// <summary>The field decoded as Latin-1, as <see cref="TabFile"/> decodes every TAB file.</summary>
    public readonly string GetString(int index) => Encoding.Latin1.GetString(this[index]);

    /// <summary>
    /// Parses one line (without its LF; trailing CRs are ignored). For a malformed line
    /// <paramref name="errorColumn"/> is the 1-based column of the unterminated quote.
    /// </summary>
    public static TabParser.LineKind Parse(ReadOnlySpan<byte> line, out TabFields fields, out int errorColumn) =>
        Parse(line, int.MaxValue, out fields, out errorColumn);

    /// <summary>
    /// Parses at most <paramref name="fieldLimit"/> fields (then <see cref="Count"/> is that limit): lookups only
    /// need the key fields of a line that was validated when the index was built.
    /// </summary>
    public static TabParser.LineKind Parse(ReadOnlySpan<byte> line, int fieldLimit, out TabFields fields, out int errorColumn)
    {
        fields = default;
        errorColumn = 0;
        while (line.Length > 0 && line[^1] == CR) line = line[..^1];
        fields._line = line;
        int i = 0;
        while (i < line.Length && (line[i] == Space || line[i] == Tab)) i++;
        if (i == line.Length) return TabParser.LineKind.Blank;
        if (line[i] == Hash) return TabParser.LineKind.Comment;

        int count = 0;
        while (i < line.Length && count < fieldLimit)
        {
            byte c = line[i];
            if (c == Tab || c == Space) { i++; continue; }
            int start, length;
            if (c == Quote)
            {
                int end = line[(i + 1)..].IndexOf(Quote);
                if (end < 0)
                {
                    errorColumn = i + 1;
                    return TabParser.LineKind.Malformed;
                }
                start = i + 1;
                length = end;
                i += end + 2;
                // Anything up to the next TAB belongs to the quoted field's tail (XMail drops it).
                int tab = line[Math.Min(i, line.Length)..].IndexOf(Tab);
                i = tab < 0 ? line.Length : i + tab;
            }
            else
            {
                int end = line[i..].IndexOf(Tab);
                if (end < 0) end = line.Length - i;
                start = i;
                length = line.Slice(i, end).TrimEnd(Space).Length;
                i += end;
            }
            if (count < MaxFields) fields._ranges[count] = new Range32(start, length);
            count++;
        }
        fields.Count = count;
        return TabParser.LineKind.Record;
    }

    private readonly record struct Range32(int Start, int Length);

    [InlineArray(MaxFields)]
    private struct Ranges
    {
        private Range32 _first;
    }
}
