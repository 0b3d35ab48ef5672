using System.Buffers;
using System.Runtime.CompilerServices;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// Finds command lines in a connection's buffer without allocating (SMTP, POP3, CTRL and FINGER commands; SMTP DATA
/// has its own strict scanner). A line ends at LF and one CR before it is dropped, so clients that end commands with
/// a bare LF still work. A line longer than the limit is consumed through its LF, however many reads that takes,
/// and reported once as <see cref="CommandLineStatus.TooLong"/> when its LF has arrived, so the reply to it keeps its
/// place among the replies to pipelined commands.
/// <para>
/// Follows the PipeReader contract (as Kestrel's HttpParser does): <see cref="TryRead"/> slices <c>buffer</c> past
/// what it consumed (a line, or the discarded part of an over-long one); everything after that was examined.
/// </para>
/// </summary>
public struct CommandLineScanner
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    private readonly int _maxLength;
    private bool _discarding;

    /// <param name="maxLength">Longest line accepted, its CR LF not counted.</param>
    public CommandLineScanner(int maxLength)
    {
        _maxLength = maxLength;
        _discarding = false;
    }

    public CommandLineStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        // Fast path: the line ends in the first segment (the usual case for a command).
        var first = buffer.FirstSpan;
        int lf = first.IndexOf(LF);
        if (lf < 0) return TryReadSlow(ref buffer, out line);
        if (_discarding || lf > _maxLength + 1)
        {
            _discarding = false;
            buffer = buffer.Slice(lf + 1);
            line = default;
            return CommandLineStatus.TooLong;
        }
        line = buffer.Slice(0, lf > 0 && first[lf - 1] == CR ? lf - 1 : lf);
        buffer = buffer.Slice(lf + 1);
        return CommandLineStatus.Line;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private CommandLineStatus TryReadSlow(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> found, LF, advancePastDelimiter: true))
            return Complete(ref buffer, found, reader.Position, out line);
        line = default;
        if (_discarding || buffer.Length > _maxLength)
        {
            // Over the limit without a terminator: drop what is here and keep looking for the LF.
            _discarding = true;
            buffer = buffer.Slice(buffer.End);
        }
        return CommandLineStatus.NeedMore;
    }

    private CommandLineStatus Complete(ref ReadOnlySequence<byte> buffer, ReadOnlySequence<byte> found, SequencePosition afterLf,
        out ReadOnlySequence<byte> line)
    {
        buffer = buffer.Slice(afterLf);
        if (_discarding || found.Length > _maxLength + 1)
        {
            _discarding = false;
            line = default;
            return CommandLineStatus.TooLong;
        }
        if (found.Length > 0 && LastByte(found) == CR) found = found.Slice(0, found.Length - 1);
        line = found;
        return CommandLineStatus.Line;
    }

    private static byte LastByte(in ReadOnlySequence<byte> s) =>
        s.IsSingleSegment ? s.FirstSpan[^1] : s.Slice(s.Length - 1).FirstSpan[0];
}
