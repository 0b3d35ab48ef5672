using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Wire;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// One client connection to an SMTP server: connect, greeting, EHLO/HELO, STARTTLS, AUTH, and the primitives a
/// transaction needs (buffered commands, reply reading, streaming a spool body with dot-stuffing). Replies are
/// parsed from the pipe as bytes; text is turned into a string only for failures and the few replies we need.
/// Every wait is bounded by a timeout; a timeout or drop throws <see cref="SmtpClientException"/>.
/// </summary>
internal sealed class SmtpClientConnection : IAsyncDisposable
{
    private const int MaxReplyBytes = 64 * 1024;
    private const byte CR = (byte)'\r', LF = (byte)'\n';

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private SslStream? _tls;
    private PipeReader _in;
    private PipeWriter _out;
    private readonly SmtpClientTimeouts _timeouts;
    private readonly CancellationTokenSource _timeout = new();
    private string? _replyText;
    private bool _broken;

    private SmtpClientConnection(Socket socket, GatewayHop hop, IPEndPoint remote, SmtpClientTimeouts timeouts)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        (_in, _out) = Pipes(_network);
        Hop = hop;
        Remote = remote;
        _timeouts = timeouts;
    }

    public GatewayHop Hop { get; }
    public IPEndPoint Remote { get; }
    public IPEndPoint? Local => _socket.LocalEndPoint as IPEndPoint;
    public SmtpExtensions Extensions { get; private set; }
    public long MaxSize { get; private set; }
    public bool IsTls => _tls is not null;
    public bool IsBroken => _broken;
    public long LastUsedTimestamp { get; set; }
    /// <summary>The text of the last reply read (all lines), kept only for failures and replies asked for.</summary>
    public string ReplyText => _replyText ?? "";

    /// <summary>"host[ip]:port" for logs, slog and bounces.</summary>
    public string Describe() => _describe ??= Hop.Host == Remote.Address.ToString() ? $"[{Remote.Address}]:{Remote.Port}" : $"{Hop.Host}[{Remote.Address}]:{Remote.Port}";

    private string? _describe;

    /// <summary>"MAIL FROM:&lt;path&gt;" with SIZE= and BODY=8BITMIME when the server offers them, written without a string.</summary>
    public void WriteMailFrom(string reversePath, long size, bool body8Bit)
    {
        Write("MAIL FROM:<");
        Write(reversePath);
        Write(">");
        if ((Extensions & SmtpExtensions.Size) != 0 && size >= 0)
        {
            Write(" SIZE=");
            var span = _out.GetSpan(20);
            Utf8Formatter.TryFormat(size, span, out int n);
            _out.Advance(n);
        }
        if (body8Bit && (Extensions & SmtpExtensions.EightBitMime) != 0) Write(" BODY=8BITMIME");
        WriteBytes("\r\n"u8);
    }

    public static async Task<SmtpClientConnection> ConnectAsync(GatewayHop hop, IPEndPoint remote, SmtpClientTimeouts timeouts, CancellationToken ct)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (hop.OutBind is { } bind) socket.Bind(new IPEndPoint(bind, 0));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeouts.Connect);
            await socket.ConnectAsync(remote, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SmtpClientException($"cannot connect to {hop.Host}[{remote.Address}]:{remote.Port}: {(ex is SocketException se ? se.SocketErrorCode.ToString() : "timeout")}", inner: ex);
        }
        return new SmtpClientConnection(socket, hop, remote, timeouts);
    }

    /// <summary>Greeting, EHLO (HELO when EHLO is refused), STARTTLS per NeedTLS, then AUTH when credentials exist.</summary>
    /// <param name="tls">How the server's certificate is judged after STARTTLS; null: no STARTTLS (NeedTLS=1's retry in clear).</param>
    public async Task OpenSessionAsync(string heloDomain, ClientAuth? auth, PeerCertificateVerifier? tls, CancellationToken ct)
    {
        int code = await ReadReplyAsync(ct).ConfigureAwait(false);
        if (code != 220) throw Fail("greeting", code);
        await HelloAsync(heloDomain, ct).ConfigureAwait(false);

        if (Hop.NeedTls > 0 && tls is not null)
        {
            if ((Extensions & SmtpExtensions.StartTls) == 0)
            {
                if (Hop.NeedTls == 2) throw new SmtpClientException($"{Describe()}: STARTTLS required (NeedTLS=2) but not offered");
            }
            else
            {
                WriteLine("STARTTLS");
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                if (code != 220)
                {
                    if (Hop.NeedTls == 2) throw Fail("STARTTLS", code);
                }
                else
                {
                    await StartTlsAsync(tls, ct).ConfigureAwait(false);
                    await HelloAsync(heloDomain, ct).ConfigureAwait(false); // RFC 3207 4.2: forget what was learnt before TLS
                }
            }
        }
        if (auth is not null) await AuthenticateAsync(auth, ct).ConfigureAwait(false);
    }

    private async Task HelloAsync(string heloDomain, CancellationToken ct)
    {
        Extensions = SmtpExtensions.None;
        MaxSize = 0;
        WriteLine("EHLO ", heloDomain);
        int code = await FlushAndReadAsync(ct, ehlo: true).ConfigureAwait(false);
        if (code == 250) return;
        if (code is >= 500 and < 600)
        {
            WriteLine("HELO ", heloDomain);
            code = await FlushAndReadAsync(ct).ConfigureAwait(false);
            if (code == 250) return;
        }
        throw Fail("HELO", code);
    }

    private async Task StartTlsAsync(PeerCertificateVerifier verifier, CancellationToken ct)
    {
        await _in.CompleteAsync().ConfigureAwait(false);
        await _out.CompleteAsync().ConfigureAwait(false);
        // SSLWantVerify decides: opportunistic as in XMail 1.27 (any certificate), or a verified chain for this host name.
        var tls = new SslStream(_network, leaveInnerStreamOpen: true);
        string? refused = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(_timeouts.Command);
            await tls.AuthenticateAsClientAsync(verifier.ClientOptions(Hop.Host, reason => refused = reason), cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            _broken = true;
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new SmtpClientException($"{Describe()}: TLS handshake failed: {refused ?? ex.Message}", inner: ex, tlsFailure: true);
        }
        _tls = tls;
        (_in, _out) = Pipes(tls);
    }

    private async Task AuthenticateAsync(ClientAuth auth, CancellationToken ct)
    {
        int code;
        switch (auth.Mechanism)
        {
            case "PLAIN":
                WriteLine("AUTH PLAIN ", B64("\0" + auth.User + "\0" + auth.Password));
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                break;
            case "LOGIN":
                WriteLine("AUTH LOGIN");
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                if (code != 334) break;
                WriteLine(B64(auth.User));
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                if (code != 334) break;
                WriteLine(B64(auth.Password));
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                break;
            case "CRAM-MD5":
                WriteLine("AUTH CRAM-MD5");
                code = await FlushAndReadAsync(ct, keepText: true).ConfigureAwait(false);
                if (code != 334) break;
                var challenge = Convert.FromBase64String(ReplyText.Length > 4 ? ReplyText[4..].Trim() : "");
                var digest = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.Latin1.GetBytes(auth.Password), challenge));
                WriteLine(B64(auth.User + " " + digest));
                code = await FlushAndReadAsync(ct).ConfigureAwait(false);
                break;
            default:
                throw new SmtpClientException($"userauth/smtp for {Hop.Host}: unsupported mechanism \"{auth.Mechanism}\"");
        }
        if (code != 235) throw Fail("AUTH " + auth.Mechanism, code);
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.Latin1.GetBytes(s));

    // ---- writing --------------------------------------------------------------------------------------------

    public void Write(ReadOnlySpan<char> text)
    {
        var span = _out.GetSpan(text.Length);
        int n = Encoding.Latin1.GetBytes(text, span);
        _out.Advance(n);
    }

    public void WriteLine(ReadOnlySpan<char> a, ReadOnlySpan<char> b = default, ReadOnlySpan<char> c = default)
    {
        Write(a);
        if (!b.IsEmpty) Write(b);
        if (!c.IsEmpty) Write(c);
        WriteBytes("\r\n"u8);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        var span = _out.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _out.Advance(bytes.Length);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        using var reg = Arm(ct, _timeouts.Command);
        try
        {
            var r = await _out.FlushAsync(_timeout.Token).ConfigureAwait(false);
            if (r.IsCanceled || r.IsCompleted) throw Dropped(null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw Dropped(ex);
        }
        finally { Disarm(); }
    }

    public async ValueTask<int> FlushAndReadAsync(CancellationToken ct, bool ehlo = false, bool keepText = false)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        return await ReadReplyAsync(ct, ehlo, keepText).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="headerPrefix"/> (fields added on the way out, such as DKIM-Signature, CRLF-terminated)
    /// and then the message part of a spool file through <see cref="DotStuffer"/> (dot-stuffed, every line ending in
    /// CRLF), then the terminating ".CRLF".
    /// </summary>
    public async Task SendBodyAsync(SafeFileHandle file, long offset, CancellationToken ct, ReadOnlyMemory<byte> headerPrefix = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            var stuffer = DotStuffer.Create();
            if (!headerPrefix.IsEmpty) stuffer.Write(headerPrefix.Span, _out);
            long length = RandomAccess.GetLength(file);
            while (offset < length)
            {
                int n = await RandomAccess.ReadAsync(file, buffer.AsMemory(), offset, ct).ConfigureAwait(false);
                if (n <= 0) break;
                offset += n;
                stuffer.Write(buffer.AsSpan(0, n), _out);
                using (Arm(ct, _timeouts.Data))
                {
                    try
                    {
                        var r = await _out.FlushAsync(_timeout.Token).ConfigureAwait(false);
                        if (r.IsCanceled || r.IsCompleted) throw Dropped(null);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested)
                    {
                        throw Dropped(ex);
                    }
                    finally { Disarm(); }
                }
            }
            stuffer.Finish(_out);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // ---- reading --------------------------------------------------------------------------------------------

    /// <summary>Reads one (possibly multi-line) reply and returns its code; EHLO lines update <see cref="Extensions"/>.</summary>
    public async ValueTask<int> ReadReplyAsync(CancellationToken ct, bool ehlo = false, bool keepText = false, bool data = false)
    {
        _replyText = null;
        StringBuilder? text = null;
        using var reg = Arm(ct, data ? _timeouts.Data : _timeouts.Command);
        try
        {
            while (true)
            {
                var result = await _in.ReadAsync(_timeout.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    int code = ParseLine(line, ehlo, out bool more);
                    if (code < 0)
                    {
                        _in.AdvanceTo(buffer.Start);
                        _broken = true;
                        throw new SmtpClientException($"{Describe()}: malformed reply");
                    }
                    if (code >= 400 || keepText || text is not null)
                    {
                        text ??= new StringBuilder();
                        if (text.Length > 0) text.Append(' ');
                        text.Append(Latin1(line));
                    }
                    if (!more)
                    {
                        _in.AdvanceTo(buffer.Start);
                        _replyText = text?.ToString();
                        return code;
                    }
                }
                if (result.IsCompleted || result.IsCanceled) throw Dropped(null);
                if (buffer.Length > MaxReplyBytes)
                {
                    _broken = true;
                    throw new SmtpClientException($"{Describe()}: reply line too long");
                }
                _in.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw Dropped(ex);
        }
        finally { Disarm(); }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var pos = buffer.PositionOf(LF);
        if (pos is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, pos.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, pos.Value));
        return true;
    }

    private int ParseLine(in ReadOnlySequence<byte> seq, bool ehlo, out bool more)
    {
        Span<byte> copy = stackalloc byte[512];
        scoped ReadOnlySpan<byte> line;
        if (seq.IsSingleSegment) line = seq.FirstSpan;
        else
        {
            int n = (int)Math.Min(seq.Length, copy.Length);
            seq.Slice(0, n).CopyTo(copy);
            line = copy[..n];
        }
        if (line.Length > 0 && line[^1] == CR) line = line[..^1];
        more = false;
        if (line.Length < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) return -1;
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (line.Length > 3)
        {
            if (line[3] == '-') more = true;
            else if (line[3] != ' ') return -1;
        }
        if (ehlo && code == 250 && line.Length > 4) ParseExtension(line[4..]);
        return code;
    }

    private void ParseExtension(ReadOnlySpan<byte> ext)
    {
        if (Ascii.EqualsIgnoreCase(ext, "PIPELINING"u8)) Extensions |= SmtpExtensions.Pipelining;
        else if (Ascii.EqualsIgnoreCase(ext, "STARTTLS"u8)) Extensions |= SmtpExtensions.StartTls;
        else if (Ascii.EqualsIgnoreCase(ext, "8BITMIME"u8)) Extensions |= SmtpExtensions.EightBitMime;
        else if (StartsWithWord(ext, "SIZE"u8))
        {
            Extensions |= SmtpExtensions.Size;
            if (ext.Length > 5 && Utf8Parser.TryParse(ext[5..], out long max, out _)) MaxSize = max;
        }
        else if (StartsWithWord(ext, "AUTH"u8) || (ext.Length > 5 && Ascii.EqualsIgnoreCase(ext[..5], "AUTH="u8)))
        {
            foreach (var range in ext[5..].Split((byte)' '))
            {
                var m = ext[5..][range];
                if (Ascii.EqualsIgnoreCase(m, "PLAIN"u8)) Extensions |= SmtpExtensions.AuthPlain;
                else if (Ascii.EqualsIgnoreCase(m, "LOGIN"u8)) Extensions |= SmtpExtensions.AuthLogin;
                else if (Ascii.EqualsIgnoreCase(m, "CRAM-MD5"u8)) Extensions |= SmtpExtensions.AuthCramMd5;
            }
        }
    }

    private static bool StartsWithWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word) =>
        s.Length >= word.Length && Ascii.EqualsIgnoreCase(s[..word.Length], word) && (s.Length == word.Length || s[word.Length] == ' ');

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static string Latin1(in ReadOnlySequence<byte> line)
    {
        var s = Encoding.Latin1.GetString(line.Length > 1024 ? line.Slice(0, 1024) : line);
        return s.TrimEnd('\r');
    }

    // ---- timeouts and failures ------------------------------------------------------------------------------

    private CancellationTokenRegistration Arm(CancellationToken ct, TimeSpan timeout)
    {
        _timeout.CancelAfter(timeout);
        return ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _timeout) : default;
    }

    private void Disarm()
    {
        if (!_timeout.TryReset()) _broken = true;
    }

    private SmtpClientException Dropped(Exception? ex)
    {
        _broken = true;
        string why = ex is OperationCanceledException ? "timed out" : "connection lost";
        return new SmtpClientException($"{Describe()}: {why}", inner: ex);
    }

    private SmtpClientException Fail(string stage, int code) =>
        new($"{Describe()}: {stage}: {ReplyText}", permanent: code is >= 500 and < 600, code: code);

    private static (PipeReader, PipeWriter) Pipes(Stream s) =>
        (PipeReader.Create(s, new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true)),
         PipeWriter.Create(s, new StreamPipeWriterOptions(minimumBufferSize: 8192, leaveOpen: true)));

    /// <summary>Sends QUIT without waiting long for the answer, then closes.</summary>
    public async ValueTask QuitAsync()
    {
        if (!_broken)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                WriteLine("QUIT");
                await _out.FlushAsync(cts.Token).ConfigureAwait(false);
                await _in.ReadAsync(cts.Token).ConfigureAwait(false);
            }
            catch { }
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>True when the peer has not closed the idle connection (a readable socket with no data means EOF).</summary>
    public bool LooksAlive()
    {
        if (_broken) return false;
        try
        {
            return !(_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0);
        }
        catch { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        try { await _in.CompleteAsync().ConfigureAwait(false); } catch { }
        try { await _out.CompleteAsync().ConfigureAwait(false); } catch { }
        if (_tls is not null) try { await _tls.DisposeAsync().ConfigureAwait(false); } catch { }
        try { await _network.DisposeAsync().ConfigureAwait(false); } catch { }
        _timeout.Dispose();
    }
}

/// <summary>Client-side waits: connect, each command reply, and each body write / the final DATA reply.</summary>
public sealed record SmtpClientTimeouts(TimeSpan Connect, TimeSpan Command, TimeSpan Data)
{
    public static readonly SmtpClientTimeouts Default = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(600));
}
