using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// A session's command input, one line at a time: <see cref="CommandLineScanner"/> applies the length limit and
/// discards over-long lines; replies still buffered are flushed before waiting for the network, so a pipelined group
/// is answered in one write (RFC 2920); the idle deadline (from the server's clock) is armed for every wait and ends
/// the session with <see cref="OperationCanceledException"/>. The line is copied into a buffer rented only while its
/// command is handled: a session waiting for its next command holds none (10,000 idle sessions would otherwise pin
/// megabytes).
/// </summary>
internal sealed class CommandReader : IDisposable
{
    private readonly SessionTransport _t;
    private readonly TimeProvider _time;
    private readonly int _maxLength;
    private readonly TimeSpan _idleTimeout;
    // Not linked to the connection's Closed token: a closed connection completes the input pipe anyway, and a link
    // would cost every waiting session a callback registration.
    private CancellationTokenSource? _deadline;
    private byte[]? _line;
    private int _length;

    public CommandReader(SessionTransport transport, SessionLimits limits, TimeProvider time)
    {
        _t = transport;
        _time = time;
        _maxLength = limits.MaxCommandLine;
        _idleTimeout = limits.IdleTimeout;
    }

    /// <summary>The line read last (without its line end); valid until <see cref="Release"/> or the next read.</summary>
    public ReadOnlySpan<byte> Line => _line.AsSpan(0, _length);

    /// <summary>The line as Latin-1 text (every byte survives), for the low-rate grammars.</summary>
    public string LineText() => Encoding.Latin1.GetString(Line);

    /// <summary>Reads one command line within the session's limit.</summary>
    public ValueTask<CommandRead> ReadLineAsync() => ReadLineAsync(_maxLength);

    /// <summary>
    /// Reads one line of at most <paramref name="maxLength"/> bytes (a CTRL upload's lines have their own limit).
    /// Pooled: a read that waits for the network allocates no state machine.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CommandRead> ReadLineAsync(int maxLength)
    {
        _length = 0;
        var input = _t.Input;
        if (!input.TryRead(out var result))
        {
            await _t.FlushAsync().ConfigureAwait(false);
            result = await ReadAsync().ConfigureAwait(false);
        }
        var scanner = new CommandLineScanner(maxLength);
        while (true)
        {
            var buffer = result.Buffer;
            var status = scanner.TryRead(ref buffer, out var line);
            if (status == CommandLineStatus.Line) Copy(line, maxLength);
            if (status != CommandLineStatus.NeedMore)
            {
                input.AdvanceTo(buffer.Start);
                return status == CommandLineStatus.Line ? CommandRead.Line : CommandRead.TooLong;
            }
            input.AdvanceTo(buffer.Start, result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled) return CommandRead.Closed;
            await _t.FlushAsync().ConfigureAwait(false);
            result = await ReadAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One read of whatever the peer sent, under the idle deadline (SMTP DATA streams through this). The deadline is
    /// re-armed for every wait: a whole-command or whole-session deadline (against a peer that trickles a byte at a
    /// time) would be armed once per line or per session here instead.
    /// </summary>
    public ValueTask<ReadResult> ReadAsync()
    {
        if (_deadline is null || !_deadline.TryReset())
        {
            _deadline?.Dispose();
            _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }
        _deadline.CancelAfter(_idleTimeout);
        return _t.Input.ReadAsync(_deadline.Token);
    }

    private void Copy(in ReadOnlySequence<byte> line, int maxLength)
    {
        int n = (int)line.Length;
        if (_line is null || _line.Length < n)
        {
            Release();
            _line = ArrayPool<byte>.Shared.Rent(Math.Max(n, maxLength + 2));
        }
        line.CopyTo(_line);
        _length = n;
    }

    /// <summary>Returns the line buffer once its command is done.</summary>
    public void Release()
    {
        _length = 0;
        if (_line is not { } rented) return;
        _line = null;
        ArrayPool<byte>.Shared.Return(rented);
    }

    public void Dispose()
    {
        Release();
        _deadline?.Dispose();
    }
}
