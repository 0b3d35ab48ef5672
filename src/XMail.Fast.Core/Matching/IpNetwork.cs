using System.Net;
using System.Net.Sockets;

namespace XMail.Fast.Core.Matching;

/// <summary>An address plus mask, written either "addr"+"netmask" or "addr/bits". IPv4-mapped IPv6 peers match IPv4 networks.</summary>
public readonly struct IpNetwork
{
    private readonly UInt128 _net;
    private readonly UInt128 _mask;
    private readonly bool _v6;

    private IpNetwork(UInt128 net, UInt128 mask, bool v6)
    {
        _mask = mask;
        _net = net & mask;
        _v6 = v6;
    }

    public static bool TryParse(string address, string? netmask, out IpNetwork network)
    {
        network = default;
        int slash = address.IndexOf('/');
        string addrText = slash >= 0 ? address[..slash] : address;
        if (!IPAddress.TryParse(addrText, out var ip)) return false;
        bool v6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
        int width = v6 ? 128 : 32;
        UInt128 mask;
        if (slash >= 0)
        {
            if (!int.TryParse(address.AsSpan(slash + 1), out int bits) || bits < 0 || bits > width) return false;
            mask = MaskOfBits(bits, width);
        }
        else if (netmask is not null)
        {
            if (!IPAddress.TryParse(netmask, out var m) || m.AddressFamily != ip.AddressFamily) return false;
            mask = ToInt(m);
        }
        else mask = MaskOfBits(width, width);
        network = new IpNetwork(ToInt(ip), mask, v6);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && !_v6) address = address.MapToIPv4();
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6 != _v6) return false;
        return (ToInt(address) & _mask) == _net;
    }

    private static UInt128 MaskOfBits(int bits, int width)
    {
        if (bits == 0) return UInt128.Zero;
        UInt128 all = width == 128 ? UInt128.MaxValue : uint.MaxValue;
        return (all << (width - bits)) & all;
    }

    private static UInt128 ToInt(IPAddress ip)
    {
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out int n);
        UInt128 v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | b[i];
        return v;
    }
}
