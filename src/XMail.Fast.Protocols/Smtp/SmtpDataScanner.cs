using System.Buffers;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// Streams an SMTP DATA body from the connection's buffer to a sink, line by line, without allocating:
/// dot-unstuffing in place (RFC 5321 §4.5.2) and the end of data ONLY at CRLF "." CRLF (the DATA command's own
/// CRLF counts as the first CRLF).
/// <para>
/// SMTP smuggling: "\n.\n", "\r.\r", "\n.\r\n" and "\r\n.\n" never end a message. Bare LF and bare CR are refused,
/// not repaired: a message containing either is read to its real terminator and rejected (554), because a
/// receiver that "normalises" them disagrees with the next hop about where the message ends, which is exactly
/// the smuggling hole. Also refused: NUL bytes and lines over the limit (1000 bytes with CRLF by default).
/// After the first violation nothing more is written to the sink.
/// </para>
/// Follows the PipeReader contract: <see cref="Scan"/> slices <c>buffer</c> past what it consumed.
/// </summary>
public struct SmtpDataScanner
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte Dot = (byte)'.';
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private readonly int _maxLine;
    private readonly long _maxSize;
    private bool _prevCrlf;
    private bool _discardingLine;
    private bool _lastWasCr;
    private long _size;

    /// <param name="maxLineWithCrlf">Longest line accepted, CRLF included (RFC 5321: 1000).</param>
    /// <param name="maxSize">Largest body in bytes, 0 = unlimited.</param>
    public SmtpDataScanner(int maxLineWithCrlf, long maxSize)
    {
        _maxLine = maxLineWithCrlf;
        _maxSize = maxSize;
        _prevCrlf = true;
        Violations = DataViolation.None;
    }

    public DataViolation Violations { get; private set; }

    /// <summary>Body bytes after unstuffing, as stored (counted even after a violation).</summary>
    public readonly long Size => _size;

    /// <summary>Consumes whole lines; true once the terminating "." line has been consumed.</summary>
    public bool Scan(ref ReadOnlySequence<byte> buffer, IDataSink sink)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, LF, advancePastDelimiter: true))
            {
                if (reader.Remaining > _maxLine)
                {
                    // An over-long line: drop what we have and keep looking for its LF.
                    if (!_discardingLine) Violations |= DataViolation.LineTooLong;
                    _discardingLine = true;
                    var rest = reader.UnreadSequence;
                    _lastWasCr = rest.Slice(rest.Length - 1).FirstSpan[0] == CR;
                    reader.AdvanceToEnd();
                }
                buffer = buffer.Slice(reader.Position);
                return false;
            }

            if (_discardingLine)
            {
                _discardingLine = false;
                _prevCrlf = line.Length > 0 ? EndsWithCr(line) : _lastWasCr;
                continue;
            }

            if (line.IsSingleSegment)
            {
                if (Line(line.FirstSpan, sink))
                {
                    buffer = buffer.Slice(reader.Position);
                    return true;
                }
            }
            else if (line.Length <= _maxLine)
            {
                if (SplitLine(line, sink))
                {
                    buffer = buffer.Slice(reader.Position);
                    return true;
                }
            }
            else
            {
                Violations |= DataViolation.LineTooLong;
                _prevCrlf = EndsWithCr(line);
            }
        }
    }

    /// <summary>A line split across buffer segments (rare): copied into a pooled array, then handled as one span.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool SplitLine(in ReadOnlySequence<byte> line, IDataSink sink)
    {
        var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        try
        {
            line.CopyTo(rented);
            return Line(rented.AsSpan(0, (int)line.Length), sink);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>One line without its LF. True when it is the end-of-data line.</summary>
    private bool Line(ReadOnlySpan<byte> line, IDataSink sink)
    {
        bool crlf = line.Length > 0 && line[^1] == CR;
        var content = crlf ? line[..^1] : line;
        if (crlf && _prevCrlf && content.Length == 1 && content[0] == Dot) return true;

        if (!crlf) Violations |= DataViolation.BareLf;
        if (line.Length + 1 > _maxLine) Violations |= DataViolation.LineTooLong;
        int odd = content.IndexOfAny(CR, (byte)0);
        if (odd >= 0)
        {
            // Report every kind present in the line (a CR and a NUL may both be there).
            if (content.Contains(CR)) Violations |= DataViolation.BareCr;
            if (content.Contains((byte)0)) Violations |= DataViolation.Nul;
        }
        _prevCrlf = crlf;

        // Transparency: a leading dot was doubled by the client.
        if (content.Length > 0 && content[0] == Dot) content = content[1..];
        _size += content.Length + 2;
        if (_maxSize > 0 && _size > _maxSize) Violations |= DataViolation.TooBig;
        if (Violations == DataViolation.None)
        {
            sink.Write(content);
            sink.Write(CrLf);
        }
        return false;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> line) => line.Slice(line.Length - 1).FirstSpan[0] == CR;
}
