using System.Threading.Channels;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// The in-process hand-off from receivers (SMTP, LMAIL, PSYNC, CTRL frozsubmit) to the SMAIL workers: a bounded
/// channel of committed spool messages. A full channel makes receivers wait (back-pressure) rather than drop:
/// the message is already durable in mess/, so nothing is lost either way.
/// </summary>
public sealed class SpoolQueue
{
    private readonly Channel<SpoolRef> _channel;

    public SpoolQueue(int capacity = 65536)
    {
        _channel = Channel.CreateBounded<SpoolRef>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<SpoolRef> Reader => _channel.Reader;

    public ValueTask EnqueueAsync(SpoolRef message, CancellationToken ct = default) => _channel.Writer.WriteAsync(message, ct);

    public bool TryEnqueue(SpoolRef message) => _channel.Writer.TryWrite(message);

    public int Count => _channel.Reader.Count;
}
