using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Benchmarks.Connections;

/// <summary>
/// The SMTP command read as it was before the session skeleton (SmtpSession.ReadCommandAsync over LineReader.TryRead),
/// copied verbatim as the baseline of <see cref="CommandReadBenchmarks"/>.
/// </summary>
internal sealed class LegacySmtpRead(SessionTransport t, TimeSpan idleTimeout)
{
    private const int CommandLineLimit = 512;
    private byte[]? _line;
    private CancellationTokenSource _idle = new();

    public enum CommandRead { Line, TooLong, Closed }
    private enum LineStatus { Line, NeedMore, TooLong }

    public void ReleaseLine()
    {
        if (_line is not { } rented) return;
        _line = null;
        ArrayPool<byte>.Shared.Return(rented);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(CommandRead, int)> ReadCommandAsync()
    {
        bool discarding = false;
        var input = t.Input;
        if (!input.TryRead(out var result))
        {
            await t.FlushAsync().ConfigureAwait(false);
            result = await ReadWithTimeoutAsync(input).ConfigureAwait(false);
        }
        while (true)
        {
            var buffer = result.Buffer;
            var status = TryRead(ref buffer, CommandLineLimit, out var line);
            if (status == LineStatus.Line)
            {
                int n = discarding ? 0 : (int)line.Length;
                if (!discarding) line.CopyTo(_line ??= ArrayPool<byte>.Shared.Rent(CommandLineLimit + 2));
                input.AdvanceTo(buffer.Start);
                return (discarding ? CommandRead.TooLong : CommandRead.Line, n);
            }
            if (status == LineStatus.TooLong || discarding)
            {
                discarding = true;
                if (buffer.PositionOf((byte)'\n') is { } lf)
                {
                    input.AdvanceTo(buffer.GetPosition(1, lf));
                    return (CommandRead.TooLong, 0);
                }
                input.AdvanceTo(buffer.End);
            }
            else input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) return (CommandRead.Closed, 0);
            await t.FlushAsync().ConfigureAwait(false);
            result = await ReadWithTimeoutAsync(input).ConfigureAwait(false);
        }
    }

    private ValueTask<ReadResult> ReadWithTimeoutAsync(PipeReader input)
    {
        if (!_idle.TryReset())
        {
            _idle.Dispose();
            _idle = new CancellationTokenSource();
        }
        _idle.CancelAfter(idleTimeout);
        return input.ReadAsync(_idle.Token);
    }

    private static LineStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            line = default;
            return buffer.Length > maxLength ? LineStatus.TooLong : LineStatus.NeedMore;
        }
        if (line.Length > maxLength + 1) return LineStatus.TooLong;
        if (line.Length > 0)
        {
            var last = line.Slice(line.Length - 1);
            if (last.FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
        }
        buffer = buffer.Slice(reader.Position);
        return LineStatus.Line;
    }
}
