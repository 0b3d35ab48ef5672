using System.Text;
using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Wire;

namespace XMail.Fast.Benchmarks.Pop3;

/// <summary>
/// The byte transformation of POP3 RETR (<see cref="DotStuffer"/>) (dot-stuffing, line ends, terminator) over a ~68 KB message of 1,024 lines,
/// one in ten starting with '.', fed in the 32 KB chunks the RETR path reads. Target: nothing allocated.
/// </summary>
[MemoryDiagnoser]
public class RetrStuffingBenchmarks
{
    private const int Chunk = 32 * 1024;
    private byte[] _message = [];
    private byte[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("Subject: bench\r\nFrom: a@example.org\r\n\r\n");
        for (int i = 0; i < 1021; i++) sb.Append(i % 10 == 0 ? "." : "").Append("The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        _message = Encoding.ASCII.GetBytes(sb.ToString());
        _output = new byte[2 * Chunk + 8];
    }

    [Benchmark]
    public long Retr()
    {
        long total = 0;
        var stuffer = DotStuffer.ForTop(-1);
        for (int off = 0; off < _message.Length; off += Chunk)
        {
            int n = Math.Min(Chunk, _message.Length - off);
            total += stuffer.Transform(_message.AsSpan(off, n), _output);
        }
        return total + stuffer.Finish(_output);
    }
}
