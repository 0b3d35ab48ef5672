using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace XMail.Fast.Protocols.Connections;

public enum LineStatus
{
    /// <summary>A whole line was found (terminator removed).</summary>
    Line,
    /// <summary>No terminator yet; read more.</summary>
    NeedMore,
    /// <summary>More than the limit arrived without a terminator.</summary>
    TooLong,
}

/// <summary>
/// Finds command lines in a connection's buffer. A line ends at LF; one CR before it is dropped, so clients
/// that send bare LF in commands still work (SMTP DATA uses its own strict CRLF.CRLF scanner instead).
/// Follows the PipeReader contract: on <see cref="LineStatus.Line"/> the buffer is sliced past the line.
/// </summary>
public static class LineReader
{
    private const byte LF = (byte)'\n';
    private const byte CR = (byte)'\r';

    public static LineStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, LF, advancePastDelimiter: true))
        {
            line = default;
            return buffer.Length > maxLength ? LineStatus.TooLong : LineStatus.NeedMore;
        }
        if (line.Length > maxLength + 1) return LineStatus.TooLong;
        if (line.Length > 0)
        {
            var last = line.Slice(line.Length - 1);
            if (last.FirstSpan[0] == CR) line = line.Slice(0, line.Length - 1);
        }
        buffer = buffer.Slice(reader.Position);
        return LineStatus.Line;
    }

    /// <summary>
    /// Reads one line as a Latin-1 string, for low-rate protocols (CTRL, FINGER, POP3 commands).
    /// Returns null when the peer closed. An over-long line is consumed through its terminator and reported
    /// with <paramref name="tooLong"/> so the caller can answer and go on (or drop the peer).
    /// </summary>
    public static async ValueTask<(string? Line, bool TooLong)> ReadLineAsync(PipeReader input, int maxLength, CancellationToken ct)
    {
        bool discarding = false;
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = TryRead(ref buffer, maxLength, out var line);
            if (status == LineStatus.Line)
            {
                string? text = discarding ? null : Encoding.Latin1.GetString(line);
                input.AdvanceTo(buffer.Start);
                if (discarding) return ("", true);
                return (text, false);
            }
            if (status == LineStatus.TooLong || discarding)
            {
                // An over-long line whose LF is already buffered: drop it through the LF, keep what follows.
                var scan = new SequenceReader<byte>(buffer);
                if (scan.TryAdvanceTo(LF, advancePastDelimiter: true))
                {
                    input.AdvanceTo(scan.Position);
                    return ("", true);
                }
                // Drop what we have except a possible terminator search position; keep discarding until LF.
                discarding = true;
                input.AdvanceTo(buffer.End);
            }
            else input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) return (null, discarding);
        }
    }
}
