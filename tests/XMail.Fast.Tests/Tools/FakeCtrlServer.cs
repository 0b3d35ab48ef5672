using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace XMail.Fast.Tests.Tools;

/// <summary>
/// A tiny scripted CTRL server on 127.0.0.1:0, written from the spec's "XMAIL ADMIN PROTOCOL" description
/// (independent of CtrlClnt's code): greeting with timestamp, clear or "#md5" login, "#!TLS", a listing,
/// an upload and error replies. Everything received is recorded for the test to check.
/// </summary>
internal sealed class FakeCtrlServer : IDisposable
{
    public const string TimeStamp = "<1795535019.4242@127.0.0.1>";
    public const string User = "admin";
    public const string Password = "secret";

    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly bool _nativeTls;
    private readonly bool _silent;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeCtrlServer(X509Certificate2? certificate = null, bool nativeTls = false, bool silent = false)
    {
        _certificate = certificate;
        _nativeTls = nativeTls;
        _silent = silent;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every line received, in order, across sessions.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>Lines of the last upload, dot-stuffing removed.</summary>
    public List<string> Uploaded { get; } = [];

    public bool TlsUsed { get; private set; }

    /// <summary>Listing returned by "domainlist": contains lines the server must dot-stuff.</summary>
    public static readonly string[] Listing = ["\"alpha.test\"", ".hidden", "..two", "\"\u00e9t\u00e9.test\""];

    public static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.Latin1.GetBytes(text)));

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        try
        {
            if (_nativeTls) stream = await Secure(stream);
            if (_silent)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            await Send(stream, $"+00000 {TimeStamp} XMail.Fast CTRL Server; Tue, 24 Nov 2026 15:43:39 -0000");
            var login = await ReadLine(stream);
            if (login == "#!TLS")
            {
                await Send(stream, "+00000 OK");
                stream = await Secure(stream);
                login = await ReadLine(stream);
            }
            if (login != $"\"{User}\"\t\"{Password}\"" && login != $"\"{User}\"\t\"#{Md5(TimeStamp + Password)}\"")
            {
                await Send(stream, "-00105 Bad controller login");
                return;
            }
            await Send(stream, "+00000 OK");
            while (await ReadLine(stream) is { } line)
            {
                var cmd = line.Split('\t')[0].Trim('"');
                switch (cmd)
                {
                    case "quit":
                        await Send(stream, "+00000 OK");
                        return;
                    case "domainlist":
                        await Send(stream, "+00100 OK");
                        foreach (var l in Listing) await Send(stream, l.StartsWith('.') ? "." + l : l);
                        await Send(stream, ".");
                        break;
                    case "cfgfileset":
                    case "uploadrefused":
                        await Send(stream, "+00101 OK");
                        lock (Uploaded) Uploaded.Clear();
                        while (await ReadLine(stream) is { } data && data != ".")
                            lock (Uploaded) Uploaded.Add(data.StartsWith('.') ? data[1..] : data);
                        await Send(stream, cmd == "cfgfileset" ? "+00000 OK" : "-00010 Unable to create file");
                        break;
                    case "useradd" when line.Contains("\"exists\""):
                        await Send(stream, "-00013 User already exist");
                        break;
                    default:
                        await Send(stream, "+00000 OK");
                        break;
                }
            }
        }
        catch (Exception) { /* the client went away */ }
    }

    private async Task<Stream> Secure(Stream plain)
    {
        var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(_certificate!);
        TlsUsed = true;
        return ssl;
    }

    private static async Task Send(Stream s, string line)
    {
        await s.WriteAsync(Encoding.Latin1.GetBytes(line + "\r\n"));
        await s.FlushAsync();
    }

    /// <summary>Byte by byte, so nothing past the line is consumed before a TLS switch.</summary>
    private async Task<string?> ReadLine(Stream s)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = await s.ReadAsync(one, _stop.Token);
            if (n == 0) return null;
            if (one[0] == '\n') break;
            bytes.Add(one[0]);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r') bytes.RemoveAt(bytes.Count - 1);
        var line = Encoding.Latin1.GetString(bytes.ToArray());
        Received.Enqueue(line);
        return line;
    }

    /// <summary>A self-signed server certificate usable by SslStream on every platform.</summary>
    public static X509Certificate2 CreateCertificate(string cn = "localhost")
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest($"CN={cn}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
