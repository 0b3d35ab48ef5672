using System.Net;
using System.Net.Sockets;

namespace XMail.Fast.Tests.Remote;

/// <summary>
/// A UDP DNS server on 127.0.0.1:0 that behaves like a root server asked for recursion: every question gets
/// NOERROR, no answer and a delegation (NS ns.example) in the authority section.
/// </summary>
public sealed class ReferralOnlyDnsServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public ReferralOnlyDnsServer() => _ = ServeAsync();

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
    public int Questions;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult q;
            try { q = await _udp.ReceiveAsync(_stop.Token); }
            catch { return; }
            Interlocked.Increment(ref Questions);
            var reply = Referral(q.Buffer);
            if (reply is not null) try { await _udp.SendAsync(reply, q.RemoteEndPoint, _stop.Token); } catch { return; }
        }
    }

    private static byte[]? Referral(byte[] query)
    {
        if (query.Length < 17) return null;
        int end = 12;
        while (end < query.Length && query[end] != 0) end += query[end] + 1;
        end += 5; // root label + QTYPE + QCLASS
        if (end > query.Length) return null;
        var r = new List<byte>();
        r.AddRange(query[..2]);                      // ID
        r.Add((byte)(0x80 | (query[2] & 0x01)));     // QR, RD copied
        r.Add(0x00);                                 // RA = 0, NOERROR
        r.AddRange(new byte[] { 0, 1, 0, 0, 0, 1, 0, 0 }); // QD=1 AN=0 NS=1 AR=0
        r.AddRange(query[12..end]);                  // the question
        r.AddRange(new byte[] { 0xC0, 0x0C, 0, 2, 0, 1, 0, 0, 0x0E, 0x10 }); // owner = qname, NS, IN, TTL 3600
        byte[] ns = [2, (byte)'n', (byte)'s', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0];
        r.Add(0);
        r.Add((byte)ns.Length);
        r.AddRange(ns);
        return r.ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
    }
}
