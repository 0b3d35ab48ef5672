using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace XMail.Fast.FloorSink;

/// <summary>
/// One SMTP session with canned replies: EHLO/HELO get a capability list, DATA a 354, QUIT a 221, anything else 250.
/// The body is streamed to the store as it arrives (never buffered whole) and ends at CRLF.CRLF. No checks at all:
/// this measures the transport and the disk, nothing else.
/// </summary>
internal sealed class SinkConnectionHandler(SinkOptions options) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) =>
        SinkSession.RunAsync(options.Store, connection.Transport.Input, connection.Transport.Output);
}

/// <summary>The canned SMTP dialogue itself, over any pair of pipes (Kestrel's, or a plain socket's).</summary>
internal static class SinkSession
{
    private static readonly byte[] Greeting = "220 floor-sink ESMTP\r\n"u8.ToArray();
    private static readonly byte[] EhloReply = "250-floor-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n"u8.ToArray();
    private static readonly byte[] Ok = "250 OK\r\n"u8.ToArray();
    private static readonly byte[] GoAhead = "354 End data with <CR><LF>.<CR><LF>\r\n"u8.ToArray();
    private static readonly byte[] Bye = "221 Bye\r\n"u8.ToArray();
    private static readonly byte[] EndOfData = "\r\n.\r\n"u8.ToArray();

    public static async Task RunAsync(IMessageStore? store, PipeReader input, PipeWriter output)
    {
        await output.WriteAsync(Greeting);
        // In DATA the CRLF that ended the DATA line counts as the start of a possible terminator (empty body).
        var body = new BodyWriter(store);
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            bool quit = false;
            while (!quit)
            {
                if (body.Active)
                {
                    if (!body.TryConsume(ref buffer)) break;
                    await body.CompleteAsync();
                    await output.WriteAsync(Ok);
                    continue;
                }
                if (buffer.PositionOf((byte)'\n') is not { } eol) break;
                byte verb = (byte)(buffer.FirstSpan[0] | 0x20);
                buffer = buffer.Slice(buffer.GetPosition(1, eol));
                switch (verb)
                {
                    case (byte)'e' or (byte)'h': await output.WriteAsync(EhloReply); break;
                    case (byte)'d': body.Start(); await output.WriteAsync(GoAhead); break;
                    case (byte)'q': await output.WriteAsync(Bye); quit = true; break;
                    default: await output.WriteAsync(Ok); break;
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (quit || read.IsCompleted) break;
        }
        body.Abandon();
    }

    /// <summary>The body of the current DATA: bytes go to the store's file as they arrive.</summary>
    private sealed class BodyWriter(IMessageStore? store)
    {
        private IStoredMessage? _message;
        private int _matched; // bytes of CRLF.CRLF seen at the end of what was written so far

        public bool Active { get; private set; }

        public void Start()
        {
            Active = true;
            _matched = 2;
            _message = store?.Begin();
        }

        /// <summary>Consumes body bytes from <paramref name="buffer"/>; true when the terminator was reached.</summary>
        public bool TryConsume(ref ReadOnlySequence<byte> buffer)
        {
            long used = 0;
            foreach (var segment in buffer)
            {
                var span = segment.Span;
                for (int i = 0; i < span.Length; i++)
                {
                    byte b = span[i];
                    _matched = b == EndOfData[_matched] ? _matched + 1 : b == '\r' ? 1 : 0;
                    if (_matched == EndOfData.Length)
                    {
                        _message?.Write(span[..(i + 1)]);
                        buffer = buffer.Slice(used + i + 1);
                        Active = false;
                        return true;
                    }
                }
                _message?.Write(span);
                used += span.Length;
            }
            buffer = buffer.Slice(used);
            return false;
        }

        public async Task CompleteAsync()
        {
            if (_message is null) return;
            using var message = _message;
            _message = null;
            await message.CommitAsync();
        }

        public void Abandon() => _message?.Dispose();
    }
}
