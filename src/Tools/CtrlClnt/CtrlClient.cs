using System.Net.Security;
using System.Net.Sockets;
using XMail.Fast.Core;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>
/// One CTRL session as XMail 1.27's CtrlClnt runs it: connect (TLS first with -L), read the greeting,
/// "#!TLS" and the handshake with -S, log in (MD5 over "&lt;timestamp&gt;password" unless -c), then commands.
/// </summary>
public sealed class CtrlClient : IDisposable
{
    public const string TlsSwitchCommand = "#!TLS";

    private readonly CtrlClntOptions _options;
    private readonly TextWriter? _debug;
    private readonly TcpClient _tcp;
    private readonly CtrlLineStream _lines;
    private bool _broken;

    private CtrlClient(CtrlClntOptions options, TextWriter? debug, TcpClient tcp)
    {
        _options = options;
        _debug = debug;
        _tcp = tcp;
        _lines = new CtrlLineStream(tcp.GetStream());
    }

    /// <summary>Connects and authenticates; throws <see cref="CtrlClntException"/> on any refusal or network failure.</summary>
    public static CtrlClient Connect(CtrlClntOptions options, TextWriter? debug = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using (var cts = new CancellationTokenSource(options.Timeout))
            {
                try
                {
                    tcp.ConnectAsync(options.Server, options.Port, cts.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    throw new CtrlClntException(ErrorCode.Timeout, "Timeout", $"connecting to {options.Server}:{options.Port}");
                }
                catch (SocketException ex)
                {
                    throw new CtrlClntException(ErrorCode.Connect, "Unable to connect to the server", $"{options.Server}:{options.Port}: {ex.Message}");
                }
            }
            int ms = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
            tcp.ReceiveTimeout = ms;
            tcp.SendTimeout = ms;
            var client = new CtrlClient(options, debug, tcp);
            client.Open();
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private void Open()
    {
        if (_options.Tls == CtrlTlsMode.Native) StartTls();
        var greeting = ExpectOk(ReadReply());
        if (_options.Tls == CtrlTlsMode.InBandSwitch)
        {
            Send(TlsSwitchCommand);
            ExpectOk(ReadReply());
            if (_lines.HasBufferedInput)
                throw CtrlClntException.InvalidResponse("data received before the TLS handshake");
            StartTls();
        }
        // XMail 1.27 fell back to clear text after "#!TLS" (it looked for the timestamp in the wrong reply);
        // hashing with the greeting's timestamp keeps the password off the wire in every mode.
        var timeStamp = _options.UseMd5 ? greeting.TimeStamp : null;
        var user = CtrlLineStream.ToWire(_options.User);
        var password = CtrlLineStream.ToWire(_options.Password);
        string secret = timeStamp is null ? password : "#" + Md5Hex.Of(timeStamp + password);
        Send(TabParser.Format([user, secret]), logAs: TabParser.Format([user, timeStamp is null ? "********" : secret]));
        ExpectOk(ReadReply());
    }

    private void StartTls()
    {
        var ssl = new SslStream(_lines.Stream, leaveInnerStreamOpen: false);
        try
        {
            ssl.AuthenticateAsClient(CtrlTlsSettings.Build(_options));
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            ssl.Dispose();
            throw new CtrlClntException(ErrorCode.SslConnect, "SSL negotiation failed", ex.Message);
        }
        _lines.Upgrade(ssl);
        _debug?.WriteLine($"CtrlClnt: TLS {ssl.SslProtocol} established");
    }

    /// <summary>Sends one command line ("cmd"TAB"param"...) and returns its reply (error replies included).</summary>
    public CtrlReply Submit(string commandLine)
    {
        Send(commandLine);
        return ReadReply();
    }

    /// <summary>After +00100: copies the listing up to the "." line to <paramref name="output"/>, undoing dot-stuffing, one LF per line.</summary>
    public void ReceiveListing(Stream output)
    {
        while (true)
        {
            var line = ReadLineOrThrow();
            if (line == ".") return;
            var text = line.StartsWith('.') ? line[1..] : line;
            output.Write(TabFile.Bytes.GetBytes(text + "\n"));
        }
    }

    /// <summary>After +00101: sends every line of <paramref name="input"/> dot-stuffed, then "."; returns the server's final reply.</summary>
    public CtrlReply SendUpload(Stream input)
    {
        using var reader = new StreamReader(input, TabFile.Bytes, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (reader.ReadLine() is { } line)
            Send(line.StartsWith('.') ? "." + line : line);
        Send(".");
        return ReadReply();
    }

    /// <summary>Sends "quit" and waits for its reply; failures are ignored, as the session is over anyway.</summary>
    public void Quit()
    {
        // After a timeout or a dead link a "quit" would only wait out another timeout.
        if (_broken) return;
        try
        {
            Send(TabParser.Format(["quit"]));
            ReadReply();
        }
        catch (Exception ex) when (ex is IOException or CtrlClntException or ObjectDisposedException) { }
    }

    public CtrlReply ReadReply()
    {
        var line = ReadLineOrThrow();
        if (!CtrlReply.TryParse(line, out var reply)) throw CtrlClntException.InvalidResponse(line);
        return reply;
    }

    private static CtrlReply ExpectOk(CtrlReply reply) => reply.IsError ? throw CtrlClntException.ServerError(reply) : reply;

    private string ReadLineOrThrow()
    {
        string? line;
        try
        {
            line = _lines.ReadLine();
        }
        catch (IOException ex)
        {
            throw Network(ex);
        }
        if (line is null)
        {
            _broken = true;
            throw new CtrlClntException(ErrorCode.Network, "Connection closed", "the server closed the connection");
        }
        _debug?.WriteLine("S: " + line);
        return line;
    }

    private void Send(string line, string? logAs = null)
    {
        _debug?.WriteLine("C: " + (logAs ?? line));
        try
        {
            _lines.WriteLine(line);
        }
        catch (IOException ex)
        {
            throw Network(ex);
        }
    }

    private CtrlClntException Network(IOException ex)
    {
        _broken = true;
        return ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock }
            ? new CtrlClntException(ErrorCode.Timeout, "Timeout", "no answer from the server in time")
            : new CtrlClntException(ErrorCode.Network, "Network error", ex.Message);
    }

    public void Dispose()
    {
        _lines.Stream.Dispose();
        _tcp.Dispose();
    }
}
