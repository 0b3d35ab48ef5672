using System.Text;
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
    public void Setup()
    {
        var sb = new StringBuilder();
        sb.Append("Received: from client.example.org ([192.0.2.1]:40000)\r\n\tby mx.example.com with [XMail.Fast 1.0.0 ESMTP Server]\r\n\tid <S5C> for <bob@example.com> from <a@example.org>;\r\n\tTue, 24 Nov 2026 15:44:30 -0000\r\n");
        for (int i = 0; i < 20; i++) sb.Append("X-Header-").Append(i).Append(": value number ").Append(i).Append(" of a header field\r\n");
        sb.Append("Subject: bench\r\nFrom: a@example.org\r\nTo: bob@example.com\r\n\r\n");
        for (int i = 0; i < 16; i++) sb.Append(new string('x', 62)).Append("\r\n");
        _message = Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>24 header lines (4 folded) + 16 body lines per operation.</summary>
    [Benchmark]
    public long WriteDeliveredMessage()
    {
        _output.Position = 0;
        DeliveredMessageWriter.Write(_output, "a@example.org", "bob@example.com", new MemoryStream(_message, writable: false));
        return _output.Position;
    }
}
