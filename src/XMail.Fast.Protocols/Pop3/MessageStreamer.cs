using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// Streams a message file into the POP3 reply (RETR, TOP) without loading it whole: every line that starts with
/// '.' gets another '.' (RFC 1939 byte-stuffing; XMail 1.27 skipped it, which let a body line "." end the reply
/// early), bare LF line ends become CRLF (XMail's own files end some header lines with LF only), a missing final
/// line end is added, and the ".CRLF" terminator follows. Output goes into the pipe's buffers and is flushed only
/// when a lot is pending, so a small message and its status line leave in one write.
/// </summary>
public static class MessageStreamer
{
    private const int ChunkSize = 32 * 1024;
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Line-transformation state carried across chunks.</summary>
    public struct State
    {
        public bool MidLine;        // not at the start of a line
        public byte LastByte;       // last byte of the current line copied so far
        public int LineLength;      // bytes of the current line so far (excluding LF)
        public bool InBody;         // the blank line after the headers was seen
        public long BodyLinesLeft;  // TOP: body lines still to send
        public bool Done;           // TOP: limit reached
    }

    public static State NewState(long bodyLines) => new() { BodyLinesLeft = bodyLines < 0 ? long.MaxValue : bodyLines };

    /// <summary>
    /// Transforms <paramref name="src"/> into <paramref name="dst"/> (which must hold 2 * src.Length + 2 bytes).
    /// Returns the bytes written.
    /// </summary>
    public static int Transform(ReadOnlySpan<byte> src, Span<byte> dst, ref State st)
    {
        int w = 0;
        int pos = 0;
        while (pos < src.Length && !st.Done)
        {
            if (!st.MidLine)
            {
                if (st.InBody && st.BodyLinesLeft <= 0)
                {
                    st.Done = true;
                    break;
                }
                if (src[pos] == (byte)'.') dst[w++] = (byte)'.';
                st.MidLine = true;
                st.LineLength = 0;
            }
            var rest = src[pos..];
            int lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                rest.CopyTo(dst[w..]);
                w += rest.Length;
                st.LineLength += rest.Length;
                st.LastByte = rest[^1];
                break;
            }
            rest[..lf].CopyTo(dst[w..]);
            w += lf;
            st.LineLength += lf;
            if (lf > 0) st.LastByte = rest[lf - 1];
            bool hadCr = st.LineLength > 0 && st.LastByte == (byte)'\r';
            if (!hadCr) dst[w++] = (byte)'\r';
            dst[w++] = (byte)'\n';
            int content = hadCr ? st.LineLength - 1 : st.LineLength;
            if (!st.InBody) { if (content == 0) st.InBody = true; }
            else st.BodyLinesLeft--;
            st.MidLine = false;
            pos += lf + 1;
        }
        return w;
    }

    /// <summary>Ends the reply: CRLF after an unterminated last line, then ".CRLF". Writes at most 5 bytes.</summary>
    public static int Finish(Span<byte> dst, ref State st)
    {
        int w = 0;
        if (st.MidLine && !st.Done)
        {
            dst[w++] = (byte)'\r';
            dst[w++] = (byte)'\n';
        }
        dst[w++] = (byte)'.';
        dst[w++] = (byte)'\r';
        dst[w++] = (byte)'\n';
        return w;
    }

    /// <summary>
    /// Writes the file (already opened by the caller, so a vanished file is reported before "+OK") into
    /// <paramref name="output"/> and the terminator. <paramref name="bodyLines"/> is -1 for RETR.
    /// </summary>
    public static async ValueTask WriteAsync(SafeFileHandle file, PipeWriter output, long bodyLines, CancellationToken ct)
    {
        var st = NewState(bodyLines);
        byte[] buf = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long offset = 0;
            long pending = 0;
            while (!st.Done)
            {
                int n = RandomAccess.Read(file, buf.AsSpan(0, ChunkSize), offset);
                if (n <= 0) break;
                offset += n;
                var span = output.GetSpan(2 * n + 2);
                int w = Transform(buf.AsSpan(0, n), span, ref st);
                output.Advance(w);
                pending += w;
                if (pending >= FlushThreshold)
                {
                    var r = await output.FlushAsync(ct).ConfigureAwait(false);
                    if (r.IsCompleted || r.IsCanceled) return;
                    pending = 0;
                }
            }
            var tail = output.GetSpan(8);
            output.Advance(Finish(tail, ref st));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }
}
