using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Mailbox;

namespace XMail.Fast.Benchmarks.Mailbox;

/// <summary>
/// Local delivery's copy of a message into its Maildir file (header fields re-terminated as XMail does, body copied):
/// run once per delivered recipient. Target: no allocation per header line.
/// </summary>
[MemoryDiagnoser]
public class DeliveredMessageWriterBenchmarks
{
    private byte[] _message = [];
    private readonly MemoryStream _output = new(64 * 1024);

    /// <summary>Header fields of a typical message (some folded) and a 1 KB body.</summary>
    [GlobalSetup]
    public void Setup() => _message = SampleMessages.Typical(receivedHops: 1);

    /// <summary>24 header lines (4 folded) + 16 body lines per operation.</summary>
    [Benchmark]
    public long WriteDeliveredMessage()
    {
        _output.Position = 0;
        DeliveredMessageWriter.Write(_output, "a@example.org", "bob@example.com", new MemoryStream(_message, writable: false));
        return _output.Position;
    }
}
