using System.Buffers;

namespace XMail.Fast.Core.Wire;

/// <summary>
/// Turns stored message bytes into the body of a dot-terminated reply or DATA section: a line that starts with '.'
/// gets another '.' (RFC 5321 4.5.2, RFC 1939 3), every LF goes out as CRLF (a bare LF is a line end on disk, never
/// on the wire), a CR that is not followed by LF is data, a last line without a line end gets one, and
/// <see cref="Finish(Span{byte})"/> adds the ".CRLF" terminator. So whatever the file holds, the peer sees
/// "CRLF.CRLF" exactly once, at the end: this is the one place SMTP delivery, POP3 RETR/TOP and CTRL file replies
/// escape a message (its bugs would be smuggling bugs). Bytes arrive in chunks of any size; a line, or a CR and its
/// LF, may be split between chunks. Allocates nothing.
/// </summary>
public struct DotStuffer
{
    private const byte CR = (byte)'\r', LF = (byte)'\n', Dot = (byte)'.';

    /// <summary>The most bytes <see cref="Finish(Span{byte})"/> writes: CRLF ending the last line, then ".CRLF".</summary>
    public const int MaxFinishBytes = 5;

    private bool _midLine;      // not at the start of a line
    private byte _lastByte;     // last byte of the current line copied so far
    private long _lineLength;   // bytes of the current line so far (without its LF)
    private bool _inBody;       // the blank line after the header was seen
    private long _bodyLinesLeft;

    private DotStuffer(long bodyLines) => _bodyLinesLeft = bodyLines;

    /// <summary>The whole message (RETR, DATA, CTRL file replies).</summary>
    public static DotStuffer Create() => new(long.MaxValue);

    /// <summary>RFC 1939 TOP: the header, the blank line and the first <paramref name="bodyLines"/> body lines (all when negative).</summary>
    public static DotStuffer ForTop(long bodyLines) => new(bodyLines < 0 ? long.MaxValue : bodyLines);

    /// <summary>True once a TOP line limit is reached: the rest of the input is ignored.</summary>
    public bool Done { get; private set; }

    /// <summary>The most bytes <see cref="Transform"/> writes for <paramref name="inputLength"/> input bytes.</summary>
    public static int MaxOutput(int inputLength) => 2 * inputLength;

    /// <summary>Transforms <paramref name="src"/> into <paramref name="dst"/> (at least <see cref="MaxOutput"/> bytes); returns the bytes written.</summary>
    public int Transform(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int w = 0;
        while (src.Length > 0 && !Done)
        {
            if (!_midLine)
            {
                if (_inBody && _bodyLinesLeft <= 0)
                {
                    Done = true;
                    break;
                }
                if (src[0] == Dot) dst[w++] = Dot;
                _midLine = true;
                _lineLength = 0;
            }
            int lf = src.IndexOf(LF);
            if (lf < 0)
            {
                src.CopyTo(dst[w..]);
                w += src.Length;
                _lineLength += src.Length;
                _lastByte = src[^1];
                break;
            }
            src[..lf].CopyTo(dst[w..]);
            w += lf;
            _lineLength += lf;
            if (lf > 0) _lastByte = src[lf - 1];
            bool hadCr = _lineLength > 0 && _lastByte == CR;
            if (!hadCr) dst[w++] = CR;
            dst[w++] = LF;
            EndOfLine(hadCr ? _lineLength - 1 : _lineLength);
            src = src[(lf + 1)..];
        }
        return w;
    }

    private void EndOfLine(long contentLength)
    {
        if (!_inBody) _inBody = contentLength == 0;
        else _bodyLinesLeft--;
        _midLine = false;
    }

    /// <summary>Ends an unterminated last line with CRLF (at most 2 bytes); the next byte then starts a new line.</summary>
    public int EndLine(Span<byte> dst)
    {
        if (!_midLine || Done) return 0;
        dst[0] = CR;
        dst[1] = LF;
        EndOfLine(_lastByte == CR ? _lineLength - 1 : _lineLength);
        return 2;
    }

    /// <summary>Ends the message: <see cref="EndLine(Span{byte})"/>, then ".CRLF" (at most <see cref="MaxFinishBytes"/> bytes).</summary>
    public int Finish(Span<byte> dst)
    {
        int w = EndLine(dst);
        dst[w++] = Dot;
        dst[w++] = CR;
        dst[w++] = LF;
        return w;
    }

    /// <summary><see cref="Transform"/> straight into a pipe or other buffer writer; returns the bytes written.</summary>
    public int Write(ReadOnlySpan<byte> src, IBufferWriter<byte> output)
    {
        if (src.IsEmpty) return 0;
        int w = Transform(src, output.GetSpan(MaxOutput(src.Length)));
        output.Advance(w);
        return w;
    }

    /// <summary><see cref="EndLine(Span{byte})"/> into a buffer writer.</summary>
    public void EndLine(IBufferWriter<byte> output) => output.Advance(EndLine(output.GetSpan(2)));

    /// <summary><see cref="Finish(Span{byte})"/> into a buffer writer.</summary>
    public void Finish(IBufferWriter<byte> output) => output.Advance(Finish(output.GetSpan(MaxFinishBytes)));
}
