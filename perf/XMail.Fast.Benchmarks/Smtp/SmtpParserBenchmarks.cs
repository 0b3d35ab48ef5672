using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using XMail.Fast.Protocols.Smtp;

namespace XMail.Fast.Benchmarks.Smtp;

/// <summary>SMTP hot paths: command recognition and the DATA scanner (target: 0 B allocated per line).</summary>
[MemoryDiagnoser]
public class SmtpParserBenchmarks
{
    private byte[][] _commands = [];
    private ReadOnlySequence<byte> _body;
    private int _bodyLines;
    private readonly NullSink _sink = new();

    private sealed class NullSink : IDataSink
    {
        public long Bytes;
        public void Write(ReadOnlySpan<byte> bytes) => Bytes += bytes.Length;
    }

    [GlobalSetup]
    public void Setup()
    {
        _commands = new[] { "MAIL FROM:<a@example.org> SIZE=1024", "RCPT TO:<bob@example.com>", "DATA", "RSET", "NOOP", "EHLO client.example.org", "QUIT" }
            .Select(Encoding.ASCII.GetBytes).ToArray();
        var sb = new StringBuilder("Subject: bench\r\nFrom: a@example.org\r\n\r\n");
        for (int i = 0; i < 1000; i++) sb.Append(i % 10 == 0 ? ".." : "").Append("The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        sb.Append(".\r\n");
        _bodyLines = 1003;
        // Split in 4 KB segments like socket reads, so the multi-segment path is exercised too.
        var bytes = Encoding.ASCII.GetBytes(sb.ToString());
        _body = Segments(bytes, 4096);
    }

    [Benchmark(OperationsPerInvoke = 7)]
    public int ParseCommands()
    {
        int sum = 0;
        foreach (var c in _commands) sum += (int)SmtpCommandParser.Parse(c, out int at) + at;
        return sum;
    }

    /// <summary>One ~68 KB message of 1003 lines (divide by 1003 for the per-line cost).</summary>
    [Benchmark]
    public long ScanDataBody()
    {
        var scanner = new SmtpDataScanner(1000, 0);
        var buffer = _body;
        scanner.Scan(ref buffer, _sink);
        return scanner.Size + _bodyLines;
    }

    private static ReadOnlySequence<byte> Segments(byte[] data, int size)
    {
        Segment? first = null, last = null;
        for (int i = 0; i < data.Length; i += size)
        {
            var s = new Segment(data.AsMemory(i, Math.Min(size, data.Length - i)));
            if (first is null) first = last = s;
            else last = last!.Append(s);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> m) => Memory = m;
        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
