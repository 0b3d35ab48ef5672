using System.Buffers;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// The bytes of a locally delivered message, as XMail 1.27 writes them (observed "delivery.headers"):
/// "Return-Path: &lt;sender&gt;\n" and "Delivered-To: rcpt\n" first, then the message's header fields each ended by
/// a bare LF (the inner lines of a folded field keep their CRLF), an LF blank line, then the body byte for byte.
/// </summary>
/// <remarks>
/// One pass over pooled buffers: the header section is re-terminated byte by byte (a line's terminator is decided by
/// the first byte of the next line: CRLF before a folded continuation, LF otherwise), the body is copied in blocks,
/// and the output reaches <c>output</c> in block-sized writes (a small message: one write). Nothing is allocated per
/// line or per message.
/// </remarks>
public static class DeliveredMessageWriter
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const int BlockSize = 32 * 1024;

    /// <param name="message">Positioned at the first header byte of the message (after the spool header).</param>
    public static void Write(Stream output, string returnPath, string deliveredTo, Stream message)
    {
        var buffer = new Output(output);
        try
        {
            buffer.Ascii("Return-Path: <");
            buffer.Ascii(returnPath);
            buffer.Ascii(">\nDelivered-To: ");
            buffer.Ascii(deliveredTo);
            buffer.Byte(LF);
            Copy(ref buffer, message);
            buffer.Flush();
        }
        finally { buffer.Return(); }
    }

    /// <summary>Header fields re-terminated as XMail does, then the body copied unchanged.</summary>
    public static void CopyHeadersAndBody(Stream output, Stream message)
    {
        var buffer = new Output(output);
        try
        {
            Copy(ref buffer, message);
            buffer.Flush();
        }
        finally { buffer.Return(); }
    }

    private static void Copy(ref Output o, Stream message)
    {
        var input = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            bool atLineStart = true;  // the next byte starts a header line
            bool lineEmpty = true;    // nothing of the current line written yet (only a held CR, if any)
            bool pendingEnd = false;  // a header line was written, its terminator waits for the next line's first byte
            bool heldCr = false;      // a CR that ends the line if LF follows, or is content if not
            int n;
            while ((n = message.Read(input, 0, BlockSize)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte b = input[i];
                    if (!atLineStart && !heldCr && b is not (CR or LF))
                    {
                        // The middle of a header line: copy up to its end in one block.
                        int run = input.AsSpan(i, n - i).IndexOfAny(CR, LF);
                        if (run < 0) run = n - i;
                        o.Bytes(input.AsSpan(i, run));
                        i += run - 1;
                        continue;
                    }
                    if (b == LF)
                    {
                        if (lineEmpty)
                        {
                            // The blank line (LF or CRLF): end the last field, write LF, then the body as it is.
                            if (pendingEnd) o.Byte(LF);
                            o.Byte(LF);
                            o.Bytes(input.AsSpan(i + 1, n - i - 1));
                            while ((n = message.Read(input, 0, BlockSize)) > 0) o.Bytes(input.AsSpan(0, n));
                            return;
                        }
                        heldCr = false; // CRLF → the terminator is decided by the next line
                        pendingEnd = true;
                        atLineStart = true;
                        lineEmpty = true;
                        continue;
                    }
                    if (heldCr)
                    {
                        // A CR inside a line is content.
                        if (lineEmpty) EndPrevious(ref o, ref pendingEnd, continuation: false);
                        o.Byte(CR);
                        heldCr = false;
                        lineEmpty = false;
                    }
                    if (b == CR)
                    {
                        heldCr = true;
                        atLineStart = false;
                        continue;
                    }
                    if (atLineStart) EndPrevious(ref o, ref pendingEnd, continuation: b is (byte)' ' or (byte)'\t');
                    o.Byte(b);
                    atLineStart = false;
                    lineEmpty = false;
                }
            }
            // End of message inside the header section.
            if (heldCr)
            {
                if (lineEmpty) EndPrevious(ref o, ref pendingEnd, continuation: false);
                o.Byte(CR);
                lineEmpty = false;
            }
            if (!lineEmpty || pendingEnd) o.Byte(LF);
        }
        finally { ArrayPool<byte>.Shared.Return(input); }
    }

    private static void EndPrevious(ref Output o, ref bool pendingEnd, bool continuation)
    {
        if (!pendingEnd) return;
        if (continuation) o.Byte(CR);
        o.Byte(LF);
        pendingEnd = false;
    }

    /// <summary>A pooled block in front of the output stream.</summary>
    private struct Output(Stream stream)
    {
        private byte[] _block = ArrayPool<byte>.Shared.Rent(BlockSize);
        private int _used;

        public void Byte(byte b)
        {
            if (_used == _block.Length) Flush();
            _block[_used++] = b;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            while (bytes.Length > 0)
            {
                if (_used == _block.Length) Flush();
                int take = Math.Min(bytes.Length, _block.Length - _used);
                bytes[..take].CopyTo(_block.AsSpan(_used));
                _used += take;
                bytes = bytes[take..];
            }
        }

        public void Ascii(string text)
        {
            foreach (char c in text) Byte(c <= 0xFF ? (byte)c : (byte)'?'); // Latin-1, as the spool holds them
        }

        public void Flush()
        {
            if (_used == 0) return;
            stream.Write(_block, 0, _used);
            _used = 0;
        }

        public void Return()
        {
            if (_block.Length == 0) return;
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }
    }
}
