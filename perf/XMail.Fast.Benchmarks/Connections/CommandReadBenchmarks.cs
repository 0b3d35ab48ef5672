using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Connections;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Benchmarks.Connections;

/// <summary>
/// Reading pipelined command lines from a connection (SMTP's 512-byte limit): the session skeleton's
/// <see cref="CommandReader"/> against the SMTP command read it replaced (<see cref="LegacySmtpRead"/>, kept here as
/// the baseline). Each invocation writes one pipelined group of seven commands and reads them back (target: 0 B per line).
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class CommandReadBenchmarks
{
    private const int Limit = 512;
    private static readonly byte[] Group = Encoding.ASCII.GetBytes(
        "EHLO client.example.org\r\nMAIL FROM:<a@example.org> SIZE=1024\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com>\r\n" +
        "DATA\r\nRSET\r\nNOOP\r\n");
    private const int LinesPerGroup = 7;

    private Pipe _input = null!;
    private SessionTransport _transport = null!;
    private CommandReader _reader = null!;
    private LegacySmtpRead _legacy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var output = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var connection = new DefaultConnectionContext("bench", new Duplex(_input.Reader, output.Writer), new Duplex(output.Reader, _input.Writer));
        _transport = new SessionTransport(connection);
        _reader = new CommandReader(_transport, new SessionLimits(Limit, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), 1), TimeProvider.System);
        _legacy = new LegacySmtpRead(_transport, TimeSpan.FromMinutes(15));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LinesPerGroup)]
    public async ValueTask<int> LegacySmtpCommandRead()
    {
        await _input.Writer.WriteAsync(Group);
        int sum = 0;
        for (int i = 0; i < LinesPerGroup; i++)
        {
            var (status, length) = await _legacy.ReadCommandAsync();
            sum += length + (int)status;
            _legacy.ReleaseLine();
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = LinesPerGroup)]
    public async ValueTask<int> CommandReaderReadLine()
    {
        await _input.Writer.WriteAsync(Group);
        int sum = 0;
        for (int i = 0; i < LinesPerGroup; i++)
        {
            var status = await _reader.ReadLineAsync();
            sum += _reader.Line.Length + (int)status;
            _reader.Release();
        }
        return sum;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
