namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Parses a gateway list: "host[:port][,options];host[:port][,options];..." (smtpfwd.tab, DefaultSMTPGateways,
/// the smtprelay command). A leading '#' asks for the hosts in random order.
/// </summary>
public static class GatewayList
{
    public static List<GatewayHop> Parse(string list, GatewayOptions defaults, Action<string>? onError = null)
    {
        var hops = new List<GatewayHop>();
        var text = list.AsSpan().Trim();
        bool shuffle = text.StartsWith("#");
        if (shuffle) text = text[1..];
        foreach (var range in text.Split(';'))
        {
            var item = text[range].Trim();
            if (item.IsEmpty) continue;
            int comma = item.IndexOf(',');
            var address = (comma < 0 ? item : item[..comma]).Trim();
            var options = GatewayOptions.Parse(comma < 0 ? default : item[(comma + 1)..], defaults, onError);
            if (!TrySplitHostPort(address, out var host, out int port))
            {
                onError?.Invoke(item.ToString());
                continue;
            }
            hops.Add(new GatewayHop(host, port, options.NeedTls, options.OutBind));
        }
        if (shuffle && hops.Count > 1)
        {
            var arr = hops.ToArray();
            Random.Shared.Shuffle(arr);
            hops = [.. arr];
        }
        return hops;
    }

    /// <summary>"host", "host:port", "1.2.3.4:port", "[::1]:port" or a bare IPv6 address.</summary>
    public static bool TrySplitHostPort(ReadOnlySpan<char> s, out string host, out int port)
    {
        host = "";
        port = 25;
        if (s.IsEmpty) return false;
        if (s[0] == '[')
        {
            int close = s.IndexOf(']');
            if (close < 0) return false;
            host = s[1..close].ToString();
            var rest = s[(close + 1)..];
            if (rest.IsEmpty) return host.Length > 0;
            return rest[0] == ':' && int.TryParse(rest[1..], out port) && port is > 0 and <= 65535 && host.Length > 0;
        }
        int first = s.IndexOf(':');
        if (first >= 0 && s.LastIndexOf(':') == first)
        {
            host = s[..first].Trim().ToString();
            return int.TryParse(s[(first + 1)..], out port) && port is > 0 and <= 65535 && host.Length > 0;
        }
        host = s.Trim().ToString(); // no port, or a bare IPv6 literal
        return host.Length > 0;
    }
}
