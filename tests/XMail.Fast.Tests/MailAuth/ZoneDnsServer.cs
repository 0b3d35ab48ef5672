using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>One record of a test zone: a type (A, AAAA, MX, PTR, TXT, CNAME) and its data, or TIMEOUT.</summary>
public sealed record ZoneRecord(string Type, object? Value)
{
    public static ZoneRecord Txt(params string[] strings) => new("TXT", strings);
    public static ZoneRecord A(string ip) => new("A", ip);
    public static ZoneRecord Aaaa(string ip) => new("AAAA", ip);
    public static ZoneRecord Mx(int pref, string host) => new("MX", (pref, host));
    public static ZoneRecord Ptr(string name) => new("PTR", name);
    public static readonly ZoneRecord Timeout = new("TIMEOUT", null);
}

/// <summary>
/// An in-process UDP DNS server (ARSoft.Tools.Net) on 127.0.0.1 answering from a zone the test sets: names it does
/// not know get NXDOMAIN (with an SOA so the answer is cached briefly), a TIMEOUT entry makes it stay silent for
/// the types the name has no records of (the RFC 7208 test suite's convention), names under "error." too.
/// </summary>
public sealed class ZoneDnsServer : IDisposable
{
    private readonly DnsServer _server;
    private volatile Dictionary<string, List<ZoneRecord>> _zone = new(StringComparer.OrdinalIgnoreCase);
    private int _questions;

    private ZoneDnsServer(DnsServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }
    public int Questions => Volatile.Read(ref _questions);

    /// <summary>The SmartDNSHost value that points at this server.</summary>
    public string SmartDnsHost => $"127.0.0.1:{Port}:udp";

    public static ZoneDnsServer Start()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
            try
            {
                var server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, port)));
                var zone = new ZoneDnsServer(server, port);
                server.QueryReceived += zone.OnQueryAsync;
                server.Start();
                return zone;
            }
            catch (SocketException) when (attempt < 5) { }
        }
    }

    public void SetZone(Dictionary<string, List<ZoneRecord>> zone) => _zone = new Dictionary<string, List<ZoneRecord>>(zone, StringComparer.OrdinalIgnoreCase);

    public void Add(string name, params ZoneRecord[] records)
    {
        var copy = new Dictionary<string, List<ZoneRecord>>(_zone, StringComparer.OrdinalIgnoreCase);
        if (!copy.TryGetValue(name, out var list)) copy[name] = list = new List<ZoneRecord>();
        list.AddRange(records);
        _zone = copy;
    }

    private Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        Interlocked.Increment(ref _questions);
        if (e.Query is not DnsMessage query || query.Questions.Count != 1) return Task.CompletedTask;
        var q = query.Questions[0];
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        var name = q.Name.ToString().TrimEnd('.');
        if (!Answer(response, name, q.RecordType, 0)) return Task.CompletedTask; // TIMEOUT: no reply at all
        e.Response = response;
        return Task.CompletedTask;
    }

    private bool Answer(DnsMessage response, string name, RecordType type, int depth)
    {
        var zone = _zone;
        if (!zone.TryGetValue(name, out var records))
        {
            if (name.StartsWith("error.", StringComparison.OrdinalIgnoreCase)) return false;
            if (depth == 0) response.ReturnCode = ReturnCode.NxDomain;
            response.AuthorityRecords.Add(Soa());
            return true;
        }
        bool any = false;
        foreach (var r in records)
        {
            if (r.Type == "TIMEOUT")
            {
                if (!any) return false;
                continue;
            }
            if (r.Type == "CNAME" && type != RecordType.CName && depth < 8)
            {
                response.AnswerRecords.Add(new CNameRecord(DomainName.Parse(name), 60, DomainName.Parse((string)r.Value!)));
                return Answer(response, (string)r.Value!, type, depth + 1);
            }
            if (!r.Type.Equals(type.ToString(), StringComparison.OrdinalIgnoreCase)) continue;
            if (r.Value is "TIMEOUT") return false;
            any = true;
            var owner = DomainName.Parse(name);
            switch (type)
            {
                case RecordType.A: response.AnswerRecords.Add(new ARecord(owner, 60, IPAddress.Parse((string)r.Value!))); break;
                case RecordType.Aaaa: response.AnswerRecords.Add(new AaaaRecord(owner, 60, IPAddress.Parse((string)r.Value!))); break;
                case RecordType.Ptr: response.AnswerRecords.Add(new PtrRecord(owner, 60, DomainName.Parse((string)r.Value!))); break;
                case RecordType.Mx:
                    var (pref, host) = ((int, string))r.Value!;
                    response.AnswerRecords.Add(new MxRecord(owner, 60, (ushort)pref, host.Length == 0 ? DomainName.Root : DomainName.Parse(host)));
                    break;
                case RecordType.Txt: response.AnswerRecords.Add(new UnknownRecord(owner, RecordType.Txt, RecordClass.INet, 60, TxtData((string[])r.Value!))); break;
            }
        }
        if (!any) response.AuthorityRecords.Add(Soa());
        return true;
    }

    /// <summary>TXT rdata as UTF-8 character-strings (ARSoft's TxtRecord would turn non-ASCII into '?').</summary>
    private static byte[] TxtData(string[] strings)
    {
        var data = new List<byte>();
        foreach (var s in strings)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(s);
            for (int i = 0; i < bytes.Length || i == 0; i += 255)
            {
                int n = Math.Min(255, bytes.Length - i);
                data.Add((byte)n);
                data.AddRange(bytes.AsSpan(i, n).ToArray());
            }
        }
        return data.ToArray();
    }

    private static SoaRecord Soa() =>
        new(DomainName.Parse("test"), 60, DomainName.Parse("ns.test"), DomainName.Parse("hostmaster.test"), 1, 60, 60, 60, 60);

    public void Dispose() => _server.Stop();
}
