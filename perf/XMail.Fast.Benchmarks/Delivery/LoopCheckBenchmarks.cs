using System.Text;
using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Smtp;

namespace XMail.Fast.Benchmarks.Delivery;

/// <summary>
/// The MaxMTAOps loop check, run on every spool message before delivery: count the Received fields of the header.
/// Baseline is the line reader it replaced (StreamReader.ReadLine over the message); target: nothing allocated.
/// </summary>
[MemoryDiagnoser]
public class LoopCheckBenchmarks
{
    private byte[] _message = [];

    /// <summary>A message as SMTP leaves it in the spool: two Received fields, 24 header lines, a 1 KB body.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        for (int hop = 0; hop < 2; hop++)
            sb.Append("Received: from client.example.org ([192.0.2.1]:40000)\r\n\tby mx.example.com with [XMail.Fast 1.0.0 ESMTP Server]\r\n\tid <S5C> for <bob@example.com> from <a@example.org>;\r\n\tTue, 24 Nov 2026 15:44:30 -0000\r\n");
        for (int i = 0; i < 20; i++) sb.Append("X-Header-").Append(i).Append(": value number ").Append(i).Append(" of a header field\r\n");
        sb.Append("Subject: bench\r\nFrom: a@example.org\r\nTo: bob@example.com\r\n\r\n");
        for (int i = 0; i < 16; i++) sb.Append(new string('x', 62)).Append("\r\n");
        _message = Encoding.ASCII.GetBytes(sb.ToString());
    }

    [Benchmark(Baseline = true)]
    public int LineReader()
    {
        int n = 0;
        using var reader = new StreamReader(new MemoryStream(_message, writable: false), Encoding.Latin1, false, 16 * 1024);
        while (reader.ReadLine() is { Length: > 0 } line)
            if (line.StartsWith("Received:", StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }

    [Benchmark]
    public int ByteScan() => ReceivedHopCounter.CountIn(_message);
}
