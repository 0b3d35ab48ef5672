using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Text;
using Microsoft.AspNetCore.Connections;
using XMail.Fast.Core.Telemetry;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// The byte streams of one session, swappable to TLS in place (STARTTLS, STLS, "#!TLS") or from the first byte
/// (implicit-TLS ports). Protocol code reads <see cref="Input"/> with the PipeReader contract and writes replies
/// through <see cref="Output"/>; replies are small and written whole, then flushed once.
/// </summary>
public sealed class SessionTransport : IAsyncDisposable
{
    private readonly ConnectionContext _connection;
    private SslStream? _tls;

    public SessionTransport(ConnectionContext connection)
    {
        _connection = connection;
        Input = connection.Transport.Input;
        Output = connection.Transport.Output;
        Remote = connection.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0);
        Local = connection.LocalEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0);
        Tag = connection.Features.Get<ListenerTag>() ?? new ListenerTag("?", false);
        // Every protocol session passes through here, so the session instruments live here too.
        _protocolTag = XMailMetrics.Tag("protocol", Tag.Service.ToLowerInvariant());
        XMailMetrics.Sessions.Add(1, _protocolTag);
        XMailMetrics.SessionsTotal.Add(1, _protocolTag);
    }

    private readonly System.Diagnostics.TagList _protocolTag;
    private int _disposed;

    public PipeReader Input { get; private set; }
    public PipeWriter Output { get; private set; }
    public IPEndPoint Remote { get; }
    public IPEndPoint Local { get; }
    public ListenerTag Tag { get; }
    public bool IsSecure => _tls is not null;
    public CancellationToken Closed => _connection.ConnectionClosed;
    public string ConnectionId => _connection.ConnectionId;

    /// <summary>Remote address with IPv4-mapped IPv6 unwrapped ("127.0.0.1", not "::ffff:127.0.0.1").</summary>
    public IPAddress RemoteAddress => Remote.Address.IsIPv4MappedToIPv6 ? Remote.Address.MapToIPv4() : Remote.Address;
    public IPAddress LocalAddress => Local.Address.IsIPv4MappedToIPv6 ? Local.Address.MapToIPv4() : Local.Address;

    /// <summary>
    /// Runs the server side of a TLS handshake over the current streams. The caller must have consumed the
    /// command that asked for it; anything the client pipelined after that command is discarded by the
    /// handshake (it is not TLS), which closes the STARTTLS command-injection hole.
    /// </summary>
    public async Task StartTlsAsync(ServerTlsCredentials credentials, TimeSpan timeout)
    {
        var stream = new DuplexPipeStream(Input, Output);
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Closed);
        cts.CancelAfter(timeout);
        await tls.AuthenticateAsServerAsync(credentials.AuthenticationOptions(), cts.Token).ConfigureAwait(false);
        _tls = tls;
        Input = PipeReader.Create(tls, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        Output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public string? TlsDescription => _tls is null ? null : $"{_tls.SslProtocol} {_tls.NegotiatedCipherSuite}";

    /// <summary>Writes text (Latin-1) and flushes. For replies; hot paths write bytes directly.</summary>
    public async ValueTask WriteAsync(string text)
    {
        int max = Encoding.Latin1.GetMaxByteCount(text.Length);
        var span = Output.GetSpan(max);
        int n = Encoding.Latin1.GetBytes(text, span);
        Output.Advance(n);
        await Output.FlushAsync(Closed).ConfigureAwait(false);
    }

    /// <summary>Writes one reply line with CRLF and flushes.</summary>
    public ValueTask WriteLineAsync(string line) => WriteAsync(line + "\r\n");

    /// <summary>Buffers text (Latin-1) without flushing, for multi-line replies sent in one write.</summary>
    public void Buffer(ReadOnlySpan<char> text)
    {
        var span = Output.GetSpan(text.Length);
        int n = Encoding.Latin1.GetBytes(text, span);
        Output.Advance(n);
    }

    public void BufferLine(ReadOnlySpan<char> line)
    {
        Buffer(line);
        BufferCrlf();
    }

    public void BufferCrlf()
    {
        var span = Output.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        Output.Advance(2);
    }

    /// <summary>Buffers a number in decimal without a string.</summary>
    public void BufferNumber(long value)
    {
        var span = Output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int n);
        Output.Advance(n);
    }

    public ValueTask<FlushResult> FlushAsync() => Output.FlushAsync(Closed);

    public void Abort() => _connection.Abort();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        XMailMetrics.Sessions.Add(-1, _protocolTag);
        if (_tls is not null)
        {
            try { await Output.CompleteAsync().ConfigureAwait(false); } catch { }
            try { await Input.CompleteAsync().ConfigureAwait(false); } catch { }
            await _tls.DisposeAsync().ConfigureAwait(false);
        }
    }
}
