using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;
using XMail.Fast.Core.Wire;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// Streams a message file into the POP3 reply (RETR, TOP) without loading it whole, through
/// <see cref="DotStuffer"/> (RFC 1939 byte-stuffing, which XMail 1.27 skipped, so a body line "." ended its reply
/// early; bare LF line ends, which XMail's own files have in some header lines, as CRLF; the ".CRLF" terminator).
/// Output goes into the pipe's buffers and is flushed only when a lot is pending, so a small message and its status
/// line leave in one write.
/// </summary>
public static class MessageStreamer
{
    private const int ChunkSize = 32 * 1024;
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Writes the file (already opened by the caller, so a vanished file is reported before "+OK") into
    /// <paramref name="output"/> and the terminator. <paramref name="bodyLines"/> is -1 for RETR.
    /// </summary>
    public static async ValueTask WriteAsync(SafeFileHandle file, PipeWriter output, long bodyLines, CancellationToken ct)
    {
        var stuffer = DotStuffer.ForTop(bodyLines);
        byte[] buf = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long offset = 0;
            long pending = 0;
            while (!stuffer.Done)
            {
                int n = RandomAccess.Read(file, buf.AsSpan(0, ChunkSize), offset);
                if (n <= 0) break;
                offset += n;
                pending += stuffer.Write(buf.AsSpan(0, n), output);
                if (pending >= FlushThreshold)
                {
                    var r = await output.FlushAsync(ct).ConfigureAwait(false);
                    if (r.IsCompleted || r.IsCanceled) return;
                    pending = 0;
                }
            }
            stuffer.Finish(output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }
}
