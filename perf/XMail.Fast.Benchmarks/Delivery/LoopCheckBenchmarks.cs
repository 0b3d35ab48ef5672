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

    /// <summary>Two Received fields, 24 other header lines, a 1 KB body.</summary>
    [GlobalSetup]
    public void Setup() => _message = SampleMessages.Typical(receivedHops: 2);

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
