using System.Net;
using System.Net.Security;
using XMail.Fast.Tests.Ctrl;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// The one admission sequence (implicit TLS → ipmap → resources → the service's session gate → session): one gate per
/// service whatever its endpoints, POP3S gated apart from POP3 with -PX's value, refusals said over TLS on TLS ports.
/// </summary>
public sealed class SessionAdmissionTests
{
    private static async Task<LineClient> TlsAsync(int port)
    {
        var c = await LineClient.ConnectAsync(port);
        var tls = new SslStream(c.Stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        c.Stream = tls;
        return c;
    }

    [Fact]
    public async Task One_gate_counts_every_endpoint_of_a_service()
    {
        await using var s = await TestServer.StartAsync(configure: o =>
        {
            o.Pop3.MaxSessions = 1;
            o.Pop3.Bind.Add(new IPEndPoint(IPAddress.Loopback, 0));
        });
        var endpoints = s.Server.EndPoints("POP3");
        Assert.Equal(2, endpoints.Count);
        await using var first = await LineClient.ConnectAsync(endpoints[0].Port);
        Assert.StartsWith("+OK ", await first.ReadLineAsync());
        await using var second = await LineClient.ConnectAsync(endpoints[1].Port);
        Assert.Equal("-ERR Server too busy", await second.ReadLineAsync());
        Assert.True(await second.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Pop3s_has_its_own_gate_with_the_PX_limit_and_refuses_over_tls()
    {
        await using var s = await TestServer.StartAsync(configure: o => o.Pop3.MaxSessions = 1, prepare: r => TestCertificates.WriteTo(r.Path));
        await using var plain = await LineClient.ConnectAsync(s.Port("POP3"));
        Assert.StartsWith("+OK ", await plain.ReadLineAsync());
        await using var secure = await TlsAsync(s.Port("POP3S"));
        Assert.StartsWith("+OK ", await secure.ReadLineAsync());
        await using var third = await TlsAsync(s.Port("POP3S"));
        Assert.Equal("-ERR Server too busy", await third.ReadLineAsync());
    }

    [Fact]
    public async Task Smtps_busy_is_answered_over_tls()
    {
        await using var s = await TestServer.StartAsync(configure: o => o.Smtps.MaxSessions = 1, prepare: r => TestCertificates.WriteTo(r.Path));
        await using var first = await TlsAsync(s.Port("SMTPS"));
        Assert.StartsWith("220 ", await first.ReadLineAsync());
        await using var second = await TlsAsync(s.Port("SMTPS"));
        Assert.EndsWith("Server too busy", await second.ReadLineAsync());
    }

    [Fact]
    public async Task Ctrl_tls_line_drops_what_was_pipelined_behind_it()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await CtrlTestClient.ConnectAsync(s);
        await c.Lines.SendAsync("#!TLS\r\n" + CtrlTestClient.Line("admin", "secret") + "\r\n");
        Assert.Equal("+00000 OK", await c.Lines.ReadLineAsync());
        var tls = new SslStream(c.Lines.Stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        c.Lines.Stream = tls;
        // The pipelined login was not run: the first line over TLS is the login.
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", "secret"));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }
}
