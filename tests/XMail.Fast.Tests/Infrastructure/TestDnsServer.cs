using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// A real DNS server in the test process (ARSoft.Tools.Net's DnsServer) on 127.0.0.1, UDP and TCP on the same free
/// port, answering from zone lines (<see cref="TestDnsZoneLine"/>): e.g.
/// <c>TestDnsServer.Start("d.test MX 10 mx1.d.test", "mx1.d.test A 127.0.0.11", "broken.test SERVFAIL")</c>.
/// Any name it was not given is NXDOMAIN. Stopped on dispose, after which its port answers nothing.
/// </summary>
public sealed class TestDnsServer : IDisposable
{
    /// <summary>TTL of the records whose line names none.</summary>
    public const int DefaultTtl = 300;

    /// <summary>SOA minimum of negative answers: as short as the resolver's own default for an answer without SOA.</summary>
    public const int NegativeTtl = 60;

    private const int TransportTimeoutMs = 5000;
    private const int TcpKeepAliveMs = 10_000;

    private readonly DnsServer _server;
    private readonly IServerTransport[] _transports;
    private readonly TestDnsZone _zone;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _asked = new();
    private int _questions;
    private int _disposed;

    private TestDnsServer(DnsServer server, IServerTransport[] transports, TestDnsZone zone, int port)
    {
        _server = server;
        _transports = transports;
        _zone = zone;
        Port = port;
        _server.QueryReceived += OnQueryAsync;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>How many questions arrived, answered or not.</summary>
    public int Questions => Volatile.Read(ref _questions);

    /// <summary>Every question asked, in order, as "name TYPE" (e.g. "a.test MX").</summary>
    public IReadOnlyCollection<string> Asked => _asked.ToArray();

    /// <summary>The SmartDNSHost value that points at this server.</summary>
    public string SmartDnsHost(string proto = "udp") => $"127.0.0.1:{Port}:{proto}";

    public static TestDnsServer Start(params string[] zoneLines)
    {
        var zone = new TestDnsZone(DefaultTtl, NegativeTtl);
        zone.Add(zoneLines);
        for (int attempt = 0; ; attempt++)
        {
            int port = FreeUdpAndTcpPort();
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            var udp = new UdpServerTransport(endPoint, TransportTimeoutMs);
            var tcp = new TcpServerTransport(endPoint, TransportTimeoutMs, TcpKeepAliveMs);
            var server = new DnsServer(udp, tcp);
            try
            {
                server.Start();
                return new TestDnsServer(server, [udp, tcp], zone, port); // nobody knows the port before this returns
            }
            catch (SocketException) when (attempt < 10)
            {
                // Someone took the port between the probe and the bind: try another.
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    /// <summary>More zone lines, answered from the next question on.</summary>
    public void Add(params string[] zoneLines) => _zone.Add(zoneLines);

    private async Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query || query.Questions.Count != 1) return; // the library answers FORMERR/SERVFAIL
        var question = query.Questions[0];
        Interlocked.Increment(ref _questions);
        _asked.Enqueue($"{question.Name.ToString().TrimEnd('.').ToLowerInvariant()} {question.RecordType.ToString().ToUpperInvariant()}");
        var response = query.CreateResponseInstance();
        response.IsAuthoritiveAnswer = true;
        response.IsRecursionAllowed = true;
        if (_zone.Answer(question, response))
        {
            e.Response = response;
            return;
        }
        // No reply: hold the question until the server stops, so the client sees a timeout.
        try { await Task.Delay(Timeout.Infinite, _stopping.Token); }
        catch (OperationCanceledException) { }
    }

    private static int FreeUdpAndTcpPort()
    {
        while (true)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // The TCP side of this port is taken: probe another.
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { _server.Stop(); }
        catch (AggregateException)
        {
            // Stopped before its accept loops were scheduled: their tasks end cancelled and it closes nothing.
        }
        // Both sockets closed first, so a held question's late reply goes nowhere.
        foreach (var t in _transports) t.Dispose();
        _stopping.Cancel();
    }
}
