using System.Net.Sockets;
using System.Text;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>A raw-socket line client for protocol edge cases (exact bytes in, exact lines out).</summary>
public sealed class LineClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buf = new byte[64 * 1024];
    private int _start, _end;

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <param name="from">Source address to bind (e.g. 127.0.0.3, to look like another client on loopback); null = any.</param>
    public static async Task<LineClient> ConnectAsync(int port, string host = "127.0.0.1", System.Net.IPAddress? from = null)
    {
        var tcp = from is null ? new TcpClient() : new TcpClient(new System.Net.IPEndPoint(from, 0));
        tcp.NoDelay = true;
        await tcp.ConnectAsync(host, port);
        return new LineClient(tcp);
    }

    public Stream Stream { get => _stream; set => _stream = value; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public Task SendAsync(string text) => SendRawAsync(Encoding.Latin1.GetBytes(text));

    public Task SendLineAsync(string line) => SendAsync(line + "\r\n");

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one line (without CRLF); null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            int lf = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                int len = lf - _start;
                if (len > 0 && _buf[lf - 1] == '\r') len--;
                var line = Encoding.Latin1.GetString(_buf, _start, len);
                _start = lf + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int n = await _stream.ReadAsync(_buf.AsMemory(_end), cts.Token);
            if (n == 0) return null;
            _end += n;
        }
    }

    /// <summary>Reads lines up to and including a line "." and returns those before it.</summary>
    public async Task<List<string>> ReadDotListAsync()
    {
        var list = new List<string>();
        while (await ReadLineAsync() is { } line && line != ".") list.Add(line);
        return list;
    }

    /// <summary>True when the server closes the connection (EOF) before the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            while (await ReadLineAsync() is not null) { }
            return true;
        }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
