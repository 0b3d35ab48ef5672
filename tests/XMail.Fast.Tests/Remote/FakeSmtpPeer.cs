using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace XMail.Fast.Tests.Remote;

/// <summary>One message as the fake peer saw it; <see cref="WireBody"/> is still dot-stuffed, as sent.</summary>
public sealed record ReceivedMessage(string Helo, string MailFrom, List<string> Rcpts, byte[] WireBody, bool Tls, string? AuthLine);

/// <summary>
/// A scripted SMTP server on 127.0.0.1:0 for the client tests: each reply can be replaced per command, the peer can
/// drop the connection or stall at any stage, offer STARTTLS (self-signed) and check AUTH.
/// </summary>
public sealed class FakeSmtpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private static readonly Lazy<X509Certificate2> Cert = new(() =>
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var c = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(c.Export(X509ContentType.Pkcs12), null);
    });

    public FakeSmtpPeer(IPAddress? address = null, int port = 0)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string HostPort => $"127.0.0.1:{Port}";

    // The script. Replies are whole lines without CRLF; multi-line replies use '\n' between lines.
    public string Banner { get; set; } = "220 fake.test ESMTP";
    public List<string> Extensions { get; } = ["PIPELINING", "SIZE 10000000", "8BITMIME"];
    public bool RefuseEhlo { get; set; }
    public bool OfferStartTls { get; set; }
    public string? StartTlsReply { get; set; }
    public string MailReply { get; set; } = "250 OK";
    public Func<string, string> RcptReply { get; set; } = _ => "250 OK";
    public string DataReply { get; set; } = "354 go ahead";
    public string FinalReply { get; set; } = "250 OK queued";
    /// <summary>"PLAIN"/"LOGIN"/"CRAM-MD5" and the expected user/password: AUTH is offered and checked.</summary>
    public (string Mechanism, string User, string Password)? Auth { get; set; }
    /// <summary>Close the connection instead of answering this command ("MAIL", "RCPT", "DATA", "END" for the final dot).</summary>
    public string? DropAt { get; set; }
    /// <summary>Never answer this command (the client must time out).</summary>
    public string? StallAt { get; set; }
    /// <summary>Close the connection after each transaction (to test pooled sessions that died while idle).</summary>
    public bool CloseAfterMessage { get; set; }

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();
    public ConcurrentQueue<string> Commands { get; } = new();
    private int _connections;
    public int Connections => Volatile.Read(ref _connections);
    /// <summary>Wait this long before the reply to the final dot (so concurrent deliveries overlap).</summary>
    public TimeSpan FinalReplyDelay { get; set; }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        Stream s = client.GetStream();
        bool tls = false;
        string helo = "", from = "";
        string? authLine = null;
        var rcpts = new List<string>();
        try
        {
            await SendAsync(s, Banner);
            while (true)
            {
                var line = await ReadLineAsync(s);
                if (line is null) return;
                Commands.Enqueue(line);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                if (verb.StartsWith("MAIL")) verb = "MAIL";
                if (verb.StartsWith("RCPT")) verb = "RCPT";
                if (DropAt == verb) return;
                if (StallAt == verb)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }
                switch (verb)
                {
                    case "EHLO":
                        helo = line[5..];
                        if (RefuseEhlo)
                        {
                            await SendAsync(s, "500 unrecognized command");
                            break;
                        }
                        var ext = new List<string>(Extensions);
                        if (OfferStartTls && !tls) ext.Add("STARTTLS");
                        if (Auth is { } a) ext.Add("AUTH " + a.Mechanism);
                        var lines = new List<string> { "fake.test hello" };
                        lines.AddRange(ext);
                        await SendAsync(s, string.Join("\n", lines.Select((l, i) => (i < lines.Count - 1 ? "250-" : "250 ") + l)));
                        break;
                    case "HELO":
                        helo = line[5..];
                        await SendAsync(s, "250 fake.test");
                        break;
                    case "STARTTLS":
                        await SendAsync(s, StartTlsReply ?? "220 ready");
                        if (StartTlsReply is not null) break;
                        var ssl = new SslStream(s);
                        await ssl.AuthenticateAsServerAsync(Cert.Value);
                        s = ssl;
                        tls = true;
                        break;
                    case "AUTH":
                        authLine = await AuthAsync(s, line);
                        break;
                    case "MAIL":
                        from = MailReply.StartsWith('2') ? Between(line) : "";
                        rcpts.Clear();
                        await SendAsync(s, MailReply);
                        break;
                    case "RCPT":
                        var reply = from.Length == 0 && !MailReply.StartsWith('2') ? "503 need MAIL first" : RcptReply(Between(line));
                        if (reply.StartsWith('2')) rcpts.Add(Between(line));
                        await SendAsync(s, reply);
                        break;
                    case "DATA":
                        await SendAsync(s, rcpts.Count == 0 && DataReply.StartsWith("354") ? "554 no valid recipients" : DataReply);
                        if (!DataReply.StartsWith("354") || rcpts.Count == 0) break;
                        var body = await ReadBodyAsync(s);
                        if (body is null) return;
                        if (DropAt == "END") return;
                        if (StallAt == "END")
                        {
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            return;
                        }
                        if (FinalReplyDelay > TimeSpan.Zero) await Task.Delay(FinalReplyDelay, _stop.Token);
                        if (FinalReply.StartsWith('2')) Messages.Enqueue(new ReceivedMessage(helo, from, [.. rcpts], body, tls, authLine));
                        await SendAsync(s, FinalReply);
                        if (CloseAfterMessage) return;
                        break;
                    case "RSET":
                        rcpts.Clear();
                        await SendAsync(s, "250 OK");
                        break;
                    case "QUIT":
                        await SendAsync(s, "221 bye");
                        return;
                    default:
                        await SendAsync(s, "502 unknown");
                        break;
                }
            }
        }
        catch (Exception) { }
    }

    private async Task<string?> AuthAsync(Stream s, string line)
    {
        var (mech, user, pass) = Auth ?? ("", "", "");
        var parts = line.Split(' ');
        string got;
        if (mech == "PLAIN")
        {
            got = Encoding.Latin1.GetString(Convert.FromBase64String(parts[2]));
            var ok = got == "\0" + user + "\0" + pass;
            await SendAsync(s, ok ? "235 ok" : "535 bad");
            return ok ? line : null;
        }
        if (mech == "LOGIN")
        {
            await SendAsync(s, "334 VXNlcm5hbWU6");
            var u = Encoding.Latin1.GetString(Convert.FromBase64String((await ReadLineAsync(s))!));
            await SendAsync(s, "334 UGFzc3dvcmQ6");
            var p = Encoding.Latin1.GetString(Convert.FromBase64String((await ReadLineAsync(s))!));
            var ok = u == user && p == pass;
            await SendAsync(s, ok ? "235 ok" : "535 bad");
            return ok ? line : null;
        }
        var challenge = "<12345.678@fake.test>";
        await SendAsync(s, "334 " + Convert.ToBase64String(Encoding.Latin1.GetBytes(challenge)));
        var resp = Encoding.Latin1.GetString(Convert.FromBase64String((await ReadLineAsync(s))!));
        var expect = user + " " + Convert.ToHexStringLower(HMACMD5.HashData(Encoding.Latin1.GetBytes(pass), Encoding.Latin1.GetBytes(challenge)));
        await SendAsync(s, resp == expect ? "235 ok" : "535 bad");
        return resp == expect ? line : null;
    }

    private static string Between(string line)
    {
        int lt = line.IndexOf('<'), gt = line.LastIndexOf('>');
        return lt >= 0 && gt > lt ? line[(lt + 1)..gt] : "";
    }

    private static async Task SendAsync(Stream s, string reply)
    {
        var bytes = Encoding.Latin1.GetBytes(reply.Replace("\n", "\r\n") + "\r\n");
        await s.WriteAsync(bytes);
        await s.FlushAsync();
    }

    private static async Task<string?> ReadLineAsync(Stream s)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await s.ReadAsync(one) == 0) return null;
            if (one[0] == '\n') return sb.ToString().TrimEnd('\r');
            sb.Append((char)one[0]);
        }
    }

    /// <summary>Reads up to the "CRLF.CRLF" terminator; returns the stuffed body without the final ".\r\n".</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream s)
    {
        var ms = new MemoryStream();
        var one = new byte[1];
        while (true)
        {
            if (await s.ReadAsync(one) == 0) return null;
            ms.WriteByte(one[0]);
            var b = ms.GetBuffer();
            long n = ms.Length;
            if (n == 3 && b[0] == '.' && b[1] == '\r' && b[2] == '\n') return [];
            if (n >= 5 && b[n - 5] == '\r' && b[n - 4] == '\n' && b[n - 3] == '.' && b[n - 2] == '\r' && b[n - 1] == '\n')
                return ms.ToArray()[..^3];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _accept; } catch { }
    }
}
