using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using XMail.Fast.Core.Security;

namespace XMail.Fast.Delivery.Psync;

/// <summary>A POP3 server answered "-ERR" or something that is not POP3.</summary>
public sealed class Pop3FetchException(string message) : Exception(message);

/// <summary>
/// The small POP3 client PSYNC needs (XMail 1.27's UPop* channel): connect (optionally POP3S, OutBind), STLS
/// (optional or forced), APOP (optional or forced, falling back to USER/PASS), STAT, UIDL, LIST, RETR into a
/// stream (dot-unstuffed, CRLF lines), DELE, QUIT. Every read and write is bounded by the -YT timeout.
/// </summary>
public sealed class Pop3FetchClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly TimeSpan _timeout;
    private readonly byte[] _buf = new byte[16 * 1024];
    private int _start, _end;

    private Pop3FetchClient(TcpClient tcp, Stream stream, TimeSpan timeout)
    {
        _tcp = tcp;
        _stream = stream;
        _timeout = timeout;
    }

    public string Greeting { get; private set; } = "";

    /// <param name="tls">Judges the server's certificate (POP3S, STLS) per server.tab's SSL variables.</param>
    public static async Task<Pop3FetchClient> ConnectAsync(Pop3Link link, TimeSpan timeout, PeerCertificateVerifier tls, CancellationToken ct)
    {
        var (host, port) = link.Server;
        var tcp = link.OutBind is { } bind && IPAddress.TryParse(bind, out var local)
            ? new TcpClient(new IPEndPoint(local, 0)) { NoDelay = true }
            : new TcpClient { NoDelay = true };
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(timeout);
                await tcp.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            }
            Stream stream = tcp.GetStream();
            var client = new Pop3FetchClient(tcp, stream, timeout);
            if (link.Pop3s) await client.StartTlsAsync(host, tls, ct).ConfigureAwait(false);
            client.Greeting = await client.ExpectOkAsync(ct).ConfigureAwait(false);
            if (!link.Pop3s && link.UseStls)
            {
                var r = await client.CommandAsync("STLS", ct).ConfigureAwait(false);
                if (r.StartsWith("+OK", StringComparison.OrdinalIgnoreCase)) await client.StartTlsAsync(host, tls, ct).ConfigureAwait(false);
                else if (link.ForceStls) throw new Pop3FetchException("STLS refused: " + r);
            }
            await client.AuthenticateAsync(link, ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private async Task StartTlsAsync(string host, PeerCertificateVerifier verifier, CancellationToken ct)
    {
        var tls = new SslStream(_stream, false);
        string? refused = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        try
        {
            await tls.AuthenticateAsClientAsync(verifier.ClientOptions(host, reason => refused = reason), cts.Token).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException) when (refused is not null)
        {
            throw new Pop3FetchException($"TLS with {host}: {refused}");
        }
        _stream = tls;
        _start = _end = 0;
    }

    private async Task AuthenticateAsync(Pop3Link link, CancellationToken ct)
    {
        if (link.UseApop)
        {
            int lt = Greeting.LastIndexOf('<');
            int gt = lt < 0 ? -1 : Greeting.IndexOf('>', lt);
            if (gt > lt && lt >= 0)
            {
                var digest = Md5Hex.Of(Greeting[lt..(gt + 1)] + link.Password);
                var r = await CommandAsync("APOP " + link.ExtName + " " + digest, ct).ConfigureAwait(false);
                if (r.StartsWith("+OK", StringComparison.OrdinalIgnoreCase)) return;
                if (link.ForceApop) throw new Pop3FetchException("APOP refused: " + r);
            }
            else if (link.ForceApop) throw new Pop3FetchException("server offers no APOP timestamp");
        }
        Check(await CommandAsync("USER " + link.ExtName, ct).ConfigureAwait(false));
        Check(await CommandAsync("PASS " + link.Password, ct).ConfigureAwait(false));
    }

    public async Task<(int Count, long Size)> StatAsync(CancellationToken ct)
    {
        var r = Check(await CommandAsync("STAT", ct).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (r.Length < 3 || !int.TryParse(r[1], out int n) || !long.TryParse(r[2], out long size)) throw new Pop3FetchException("bad STAT reply");
        return (n, size);
    }

    /// <summary>UIDL list (message number → id), or null when the server does not support UIDL.</summary>
    public async Task<Dictionary<int, string>?> UidlAsync(CancellationToken ct)
    {
        var r = await CommandAsync("UIDL", ct).ConfigureAwait(false);
        if (!r.StartsWith("+OK", StringComparison.OrdinalIgnoreCase)) return null;
        var map = new Dictionary<int, string>();
        while (await ReadLineAsync(ct).ConfigureAwait(false) is { } line && line != ".")
        {
            int sp = line.IndexOf(' ');
            if (sp > 0 && int.TryParse(line.AsSpan(0, sp), out int n)) map[n] = line[(sp + 1)..].Trim();
        }
        return map;
    }

    /// <summary>RETR into <paramref name="into"/>: dot-unstuffed, CRLF line ends.</summary>
    public async Task RetrieveAsync(int number, Stream into, CancellationToken ct)
    {
        Check(await CommandAsync("RETR " + number, ct).ConfigureAwait(false));
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new Pop3FetchException("connection closed during RETR");
            if (line == ".") return;
            var text = line.StartsWith('.') ? line[1..] : line;
            var bytes = Encoding.Latin1.GetBytes(text + "\r\n");
            await into.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
    }

    public async Task DeleteAsync(int number, CancellationToken ct) => Check(await CommandAsync("DELE " + number, ct).ConfigureAwait(false));

    public async Task QuitAsync(CancellationToken ct)
    {
        try { await CommandAsync("QUIT", ct).ConfigureAwait(false); } catch (Exception ex) when (ex is IOException or OperationCanceledException or Pop3FetchException) { }
    }

    private static string Check(string reply) =>
        reply.StartsWith("+OK", StringComparison.OrdinalIgnoreCase) ? reply : throw new Pop3FetchException(reply);

    private async Task<string> ExpectOkAsync(CancellationToken ct) =>
        Check(await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new Pop3FetchException("connection closed"));

    private async Task<string> CommandAsync(string command, CancellationToken ct)
    {
        var bytes = Encoding.Latin1.GetBytes(command + "\r\n");
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            cts.CancelAfter(_timeout);
            await _stream.WriteAsync(bytes, cts.Token).ConfigureAwait(false);
            await _stream.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        return await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new Pop3FetchException("connection closed after " + command.Split(' ')[0]);
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
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
            if (_end == _buf.Length) throw new Pop3FetchException("line too long from server");
            int n = await _stream.ReadAsync(_buf.AsMemory(_end), cts.Token).ConfigureAwait(false);
            if (n == 0) return null;
            _end += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }
}
