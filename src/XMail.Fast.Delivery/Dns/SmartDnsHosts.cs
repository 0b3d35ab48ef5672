using System.Net;
using System.Net.Sockets;

namespace XMail.Fast.Delivery.Dns;

/// <summary>One DNS server from SmartDNSHost: where it is and whether it is asked over TCP.</summary>
public readonly record struct DnsServer(IPEndPoint EndPoint, bool Tcp);

/// <summary>
/// Parses server.tab's SmartDNSHost: "dns.home.bogus.net:tcp,192.168.1.1:udp,...". XMail.Fast also accepts a
/// port ("127.0.0.1:5353:udp", "[::1]:5353:tcp"), which tests use; a missing protocol means UDP.
/// </summary>
public static class SmartDnsHosts
{
    public static List<DnsServer> Parse(string? value, Action<string>? onError = null)
    {
        var result = new List<DnsServer>();
        if (string.IsNullOrWhiteSpace(value)) return result;
        foreach (var raw in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParseOne(raw, out var server)) result.Add(server);
            else onError?.Invoke(raw);
        }
        return result;
    }

    private static bool TryParseOne(string item, out DnsServer server)
    {
        server = default;
        bool tcp = false;
        var rest = item;
        int colon = rest.LastIndexOf(':');
        if (colon > 0 && rest[(colon + 1)..] is var proto && (proto.Equals("tcp", StringComparison.OrdinalIgnoreCase) || proto.Equals("udp", StringComparison.OrdinalIgnoreCase)))
        {
            tcp = proto.Equals("tcp", StringComparison.OrdinalIgnoreCase);
            rest = rest[..colon];
        }
        int port = 53;
        string host = rest;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0) return false;
            host = rest[1..close];
            if (close + 1 < rest.Length && (rest[close + 1] != ':' || !int.TryParse(rest[(close + 2)..], out port))) return false;
        }
        else if (rest.Count(c => c == ':') == 1)
        {
            int c = rest.IndexOf(':');
            host = rest[..c];
            if (!int.TryParse(rest[(c + 1)..], out port)) return false;
        }
        if (port is <= 0 or > 65535 || host.Length == 0) return false;
        if (!IPAddress.TryParse(host, out var ip))
        {
            try
            {
                ip = System.Net.Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
            }
            catch (SocketException) { ip = null; }
            if (ip is null) return false;
        }
        server = new DnsServer(new IPEndPoint(ip, port), tcp);
        return true;
    }
}
