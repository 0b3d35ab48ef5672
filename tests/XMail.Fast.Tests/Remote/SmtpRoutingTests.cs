using System.Diagnostics;
using System.Net;
using XMail.Fast.Core.Config;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Remote;

/// <summary>"SMTPGW.TAB", "SMTPFWD.TAB", "DefaultSMTPGateways", "SmtpGwConfig", "MAIL ROUTING THROUGH ADDRESSES" and MX routing.</summary>
public sealed class SmtpRoutingTests : IAsyncLifetime
{
    private readonly List<(string, string)> _gw = new(), _fwd = new();
    private readonly Dictionary<string, string> _vars = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IAsyncDisposable> _owned = new();

    private RemoteRouter Router() => new(() => new DomainRouteTable(_gw), () => new DomainRouteTable(_fwd), () => new ServerConfig(new(_vars, StringComparer.OrdinalIgnoreCase)));

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime: xunit 2 does not call a test class's IAsyncDisposable.
    public async Task DisposeAsync()
    {
        foreach (var d in _owned) await d.DisposeAsync();
    }

    [Fact]
    public void Gateway_list_ports_options_and_order()
    {
        var hops = GatewayList.Parse("mail.x.org:7001;192.168.1.1:6123,NeedTLS=1;mx.x.org,OutBind=127.0.0.1,NeedTLS=2;[::1]:26", new GatewayOptions(1, null));
        Assert.Equal(new GatewayHop("mail.x.org", 7001, 1, null), hops[0]);
        Assert.Equal(new GatewayHop("192.168.1.1", 6123, 1, null), hops[1]);
        Assert.Equal(new GatewayHop("mx.x.org", 25, 2, IPAddress.Loopback), hops[2]);
        Assert.Equal(new GatewayHop("::1", 26, 1, null), hops[3]);
        var seen = new HashSet<string>();
        for (int i = 0; i < 50; i++) seen.Add(string.Join(";", GatewayList.Parse("#a;b;c", GatewayOptions.None)));
        Assert.True(seen.Count > 1);
        Assert.All(seen, s => Assert.Equal(3, s.Split(';').Length));
    }

    [Fact]
    public void Route_precedence_smtpgw_then_smtpfwd_then_default_then_mx()
    {
        _gw.Add(("*.dummy.net", "@relay.x.org,@mail.nowhere.org"));
        _gw.Add(("foo.example.com", "@x.org"));
        _fwd.Add(("fwd.example.com", "a.example:26;b.example"));
        var r = Router();
        var chained = r.Route("a.dummy.net");
        Assert.Equal("relay.x.org", chained.MxDomain);
        Assert.Equal("@relay.x.org,@mail.nowhere.org", chained.RcptRoute);
        var single = r.Route("foo.example.com");
        Assert.Equal("x.org", single.MxDomain);
        Assert.Null(single.RcptRoute);
        Assert.Equal(["a.example:26", "b.example"], r.Route("FWD.example.com").Hops!.Select(h => h.ToString()));
        Assert.Equal("other.org", r.Route("other.org").MxDomain);
        _vars["DefaultSMTPGateways"] = "192.168.0.1,NeedTLS=2;192.168.0.2";
        _vars["SmtpGwConfig"] = "NeedTLS=1";
        var d = r.Route("other.org");
        Assert.Equal([new GatewayHop("192.168.0.1", 25, 2), new GatewayHop("192.168.0.2", 25, 1)], d.Hops);
        Assert.NotNull(r.Route("fwd.example.com").Hops); // smtpfwd.tab still wins over the default gateways
        Assert.Equal("relay.x.org", r.Route("b.dummy.net").MxDomain);
    }

    [Fact]
    public void Source_route_next_hop_and_reverse_path()
    {
        Assert.Equal("hostb", SourceRoute.NextDomain("@hostb,@hostc:foo@hostd"));
        Assert.Equal("hostb", SourceRoute.NextDomain("@HostB:foo@hostd"));
        Assert.Equal("hostd", SourceRoute.NextDomain("foo@HostD"));
        Assert.Equal("@hosta:x@z", SourceRoute.PrependHop("x@z", "hosta"));
        Assert.Equal("@hostb,@hosta:x@z", SourceRoute.PrependHop("@hosta:x@z", "hostb"));
        Assert.Equal("", SourceRoute.PrependHop("", "hosta"));
    }

    [Fact]
    public async Task Mx_records_lowest_preference_first_then_a_fallback_and_nxdomain_bounces()
    {
        var peer = Own(new FakeSmtpPeer());
        // mx1 (preference 10) has no listener; mx2 (20) is the peer; nomx.test has no MX, only an A record.
        using var dns = TestDnsServer.Start("d.test MX 10 mx1.d.test", "d.test MX 20 mx2.d.test",
            "mx1.d.test A 127.0.0.66", "mx2.d.test A 127.0.0.1", "nomx.test A 127.0.0.1",
            "badmx.test MX 10 gone.test");
        await using var h = new RemoteHarness { Dns = new DnsResolver(() => dns.SmartDnsHost()) { Timeout = TimeSpan.FromSeconds(1) }, MxPort = peer.Port };
        var r = await h.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n"), "a@d.test", "b@nomx.test", "c@nosuch.test", "d@badmx.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal(DeliveryStatus.Delivered, r[1].Status);
        Assert.Equal(DeliveryStatus.PermanentFailure, r[2].Status);
        Assert.Equal(DeliveryStatus.PermanentFailure, r[3].Status);
        Assert.Contains("host not found", r[3].Text);
        Assert.Equal(2, peer.Messages.Count);
    }

    [Fact]
    public async Task Dns_server_failure_is_temporary()
    {
        await using var h = new RemoteHarness(); // its resolver points at a closed port
        var r = await h.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n"), "a@d.test");
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status);
        Assert.Contains("temporary DNS failure", r[0].Text);
    }

    [Fact]
    public async Task Chained_smtpgw_route_and_source_routed_recipients_ride_in_rcpt_to()
    {
        var peer = Own(new FakeSmtpPeer());
        await using var h = new RemoteHarness();
        h.Gateways.Add(("*.chain.test", "@relay.test,@mail.nowhere.test"));
        h.Forwards.Add(("relay.test", peer.HostPort));
        h.Forwards.Add(("hostb.test", peer.HostPort));
        var r = await h.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n", from: "xuser@hostz.test"), "u@a.chain.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        var m = peer.Messages.Single();
        Assert.Equal(["@relay.test,@mail.nowhere.test:u@a.chain.test"], m.Rcpts);
        Assert.Equal("@us.test:xuser@hostz.test", m.MailFrom);

        r = await h.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n", from: "@hosta.test:xuser@hostz.test"), "@hostb.test:foouser@hostc.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        m = peer.Messages.Last();
        Assert.Equal(["@hostb.test:foouser@hostc.test"], m.Rcpts);
        Assert.Equal("@us.test,@hosta.test:xuser@hostz.test", m.MailFrom);
    }

    [Fact]
    public async Task Smtprelay_list_overrides_routing()
    {
        var peer = Own(new FakeSmtpPeer());
        await using var h = new RemoteHarness();
        var r = await h.Mailer.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n"), ["a@anywhere.test", "b@else.test"], $"#{peer.HostPort}", CancellationToken.None);
        Assert.All(r, o => Assert.Equal(DeliveryStatus.Delivered, o.Status));
        Assert.Equal(["a@anywhere.test", "b@else.test"], peer.Messages.Single().Rcpts);
    }

    [Fact]
    public async Task OutBind_connects_from_the_given_address()
    {
        var peer = Own(new FakeSmtpPeer());
        await using var h = new RemoteHarness();
        h.Forwards.Add(("dest.test", peer.HostPort + ",OutBind=127.0.0.1"));
        Assert.Equal(DeliveryStatus.Delivered, (await h.SendAsync(h.Spool("S: x\r\n\r\nhi\r\n"), "a@dest.test"))[0].Status);
        h.Forwards.Clear();
        h.Forwards.Add(("dest2.test", peer.HostPort + ",OutBind=192.0.2.77")); // not ours: bind fails, temporary
        Assert.Equal(DeliveryStatus.TemporaryFailure, (await h.SendAsync(h.Spool("S: x\r\n\r\nhi\r\n"), "a@dest2.test"))[0].Status);
    }

    [SkippableFact, Trait("Category", ThirdPartyProgram.Interop)]
    public async Task Postfix_smtp_sink_accepts_what_we_send()
    {
        var sink = ThirdPartyProgram.Require("smtp-sink", "postfix");
        int port = FreeTcpPort();
        var psi = new ProcessStartInfo(sink) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-u", "nobody", "-c", $"127.0.0.1:{port}", "50" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            await using var h = new RemoteHarness();
            h.Forwards.Add(("sink.test", $"127.0.0.1:{port}"));
            RecipientOutcome[] r = [];
            Assert.True(await Infrastructure.TestServer.WaitUntilAsync(() =>
            {
                r = h.SendAsync(h.Spool("Subject: x\r\n\r\n.dot\r\nhi\r\n"), "a@sink.test", "b@sink.test").GetAwaiter().GetResult();
                return r[0].Status == DeliveryStatus.Delivered;
            }), r.Length > 0 ? r[0].Text : "");
            Assert.All(r, o => Assert.Equal(DeliveryStatus.Delivered, o.Status));
            for (int i = 0; i < 10; i++)
                Assert.Equal(DeliveryStatus.Delivered, (await h.SendAsync(h.Spool("Subject: x\r\n\r\nhi\r\n"), "a@sink.test"))[0].Status);
            Assert.Equal(1, h.Mailer.IdleConnections);
        }
        finally
        {
            p.Kill();
            p.WaitForExit(5000);
        }
    }

    private T Own<T>(T d) where T : IAsyncDisposable
    {
        _owned.Add(d);
        return d;
    }

    internal static int FreeTcpPort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
