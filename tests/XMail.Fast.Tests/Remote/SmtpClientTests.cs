using System.Text;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Remote;

/// <summary>The SMTP client against a scripted peer: replies, per-recipient outcomes, failures, TLS, AUTH, reuse.</summary>
public sealed class SmtpClientTests : IAsyncLifetime
{
    private readonly FakeSmtpPeer _peer = new();
    private readonly RemoteHarness _h = new();
    private const string Body = "Subject: t\r\n\r\nline 1\r\n.leading dot\r\n..two dots\r\nlast\r\n";

    public SmtpClientTests() => _h.Forwards.Add(("dest.test", _peer.HostPort));

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls a test class's DisposeAsync, and each test left its
    // MailRoot folder in /tmp and its peer's socket open.
    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task Delivers_with_pipelining_and_dot_stuffing()
    {
        _h.Set("HeloDomain", "helo.us.test");
        var r = await _h.SendAsync(_h.Spool(Body), "x@dest.test", "y@dest.test");
        Assert.All(r, o => Assert.Equal(DeliveryStatus.Delivered, o.Status));
        var m = Assert.Single(_peer.Messages);
        Assert.Equal("helo.us.test", m.Helo);
        Assert.Equal("sender@src.test", m.MailFrom);
        Assert.Equal(["x@dest.test", "y@dest.test"], m.Rcpts);
        Assert.Equal("Subject: t\r\n\r\nline 1\r\n..leading dot\r\n...two dots\r\nlast\r\n", Encoding.Latin1.GetString(m.WireBody));
        Assert.Contains(_peer.Commands, c => c.StartsWith("MAIL FROM:<sender@src.test> SIZE="));
    }

    [Fact]
    public async Task Body_without_final_line_end_and_leading_dot_is_terminated_properly()
    {
        var r = await _h.SendAsync(_h.Spool(".first\r\nno end"), "x@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal("..first\r\nno end\r\n", Encoding.Latin1.GetString(Assert.Single(_peer.Messages).WireBody));
    }

    /// <summary>
    /// A spool file with bare LF line ends (LMAIL, PSYNC, a filter's rewrite) goes out with CRLF only: the old client
    /// sent "last\n.\r\n", a terminator a strict peer never sees and a lax one reads as "LF.CRLF" smuggling.
    /// </summary>
    [Fact]
    public async Task Bare_LF_lines_go_out_as_CRLF_and_the_terminator_follows_a_CRLF()
    {
        var r = await _h.SendAsync(_h.Spool("Subject: t\n\nline\n.\nlast\n"), "x@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal("Subject: t\r\n\r\nline\r\n..\r\nlast\r\n", Encoding.Latin1.GetString(Assert.Single(_peer.Messages).WireBody));
    }

    [Fact]
    public async Task Per_recipient_outcomes_250_4xx_5xx()
    {
        _peer.RcptReply = a => a.StartsWith("temp") ? "450 4.2.1 mailbox busy" : a.StartsWith("bad") ? "550 5.1.1 no such user" : "250 OK";
        var r = await _h.SendAsync(_h.Spool(Body), "ok@dest.test", "temp@dest.test", "bad@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[1].Status);
        Assert.Contains("450 4.2.1 mailbox busy", r[1].Text);
        Assert.Equal(DeliveryStatus.PermanentFailure, r[2].Status);
        Assert.Contains("550 5.1.1 no such user", r[2].Text);
        Assert.Contains("127.0.0.1", r[2].Server);
        Assert.Equal(["ok@dest.test"], Assert.Single(_peer.Messages).Rcpts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_pipelining_commands_go_one_by_one(bool pipelining)
    {
        if (!pipelining) _peer.Extensions.Remove("PIPELINING");
        _peer.RcptReply = a => a.StartsWith("bad") ? "550 no" : "250 OK";
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test", "bad@dest.test");
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure], r.Select(o => o.Status));
    }

    [Theory]
    [InlineData("451 try later", DeliveryStatus.TemporaryFailure)]
    [InlineData("553 sender rejected", DeliveryStatus.PermanentFailure)]
    public async Task Mail_from_reply_decides_for_all(string reply, DeliveryStatus kind)
    {
        _peer.MailReply = reply;
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test", "b@dest.test");
        Assert.All(r, o => Assert.Equal(kind, o.Status));
        Assert.All(r, o => Assert.Contains(reply, o.Text));
        Assert.Empty(_peer.Messages);
    }

    [Theory]
    [InlineData("452 disk full", DeliveryStatus.TemporaryFailure)]
    [InlineData("554 content rejected", DeliveryStatus.PermanentFailure)]
    public async Task End_of_data_reply_decides_for_accepted_recipients(string reply, DeliveryStatus kind)
    {
        _peer.FinalReply = reply;
        _peer.RcptReply = a => a.StartsWith("bad") ? "550 no" : "250 OK";
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test", "bad@dest.test");
        Assert.Equal(kind, r[0].Status);
        Assert.Contains(reply, r[0].Text);
        Assert.Equal(DeliveryStatus.PermanentFailure, r[1].Status);
    }

    [Theory]
    [InlineData("MAIL")]
    [InlineData("RCPT")]
    [InlineData("DATA")]
    [InlineData("END")]
    public async Task Dropped_connection_is_temporary(string stage)
    {
        _peer.DropAt = stage;
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status);
        Assert.Contains("connection lost", r[0].Text);
    }

    [Theory]
    [InlineData("MAIL")]
    [InlineData("END")]
    public async Task Stalled_peer_times_out_as_temporary(string stage)
    {
        _h.Timeouts = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
        _peer.StallAt = stage;
        var started = DateTime.UtcNow;
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status);
        Assert.Contains("timed out", r[0].Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Refused_connection_is_temporary_and_next_gateway_is_tried()
    {
        await using var dead = new FakeSmtpPeer();
        int deadPort = dead.Port;
        await dead.DisposeAsync();
        _h.Forwards.Clear();
        _h.Forwards.Add(("dest.test", $"127.0.0.1:{deadPort}"));
        _h.Forwards.Add(("two.test", $"127.0.0.1:{deadPort};{_peer.HostPort}"));
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test", "b@two.test");
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status);
        Assert.Contains("cannot connect", r[0].Text);
        Assert.Equal(DeliveryStatus.Delivered, r[1].Status);
    }

    [Fact]
    public async Task Temporary_recipients_move_on_to_the_next_server_but_accepted_ones_never_repeat()
    {
        await using var second = new FakeSmtpPeer();
        _peer.RcptReply = a => a.StartsWith("busy") ? "451 busy" : "250 OK";
        _h.Forwards.Clear();
        _h.Forwards.Add(("dest.test", $"{_peer.HostPort};{second.HostPort}"));
        var r = await _h.SendAsync(_h.Spool(Body), "ok@dest.test", "busy@dest.test");
        Assert.All(r, o => Assert.Equal(DeliveryStatus.Delivered, o.Status));
        Assert.Equal(["ok@dest.test"], Assert.Single(_peer.Messages).Rcpts);
        Assert.Equal(["busy@dest.test"], Assert.Single(second.Messages).Rcpts);
    }

    [Fact]
    public async Task Greeting_5xx_is_permanent_4xx_temporary()
    {
        _peer.Banner = "554 go away";
        Assert.Equal(DeliveryStatus.PermanentFailure, (await _h.SendAsync(_h.Spool(Body), "a@dest.test"))[0].Status);
        _peer.Banner = "421 busy";
        Assert.Equal(DeliveryStatus.TemporaryFailure, (await _h.SendAsync(_h.Spool(Body), "a@dest.test"))[0].Status);
    }

    [Fact]
    public async Task Helo_fallback_when_ehlo_is_refused()
    {
        _peer.RefuseEhlo = true;
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Contains(_peer.Commands, c => c.StartsWith("HELO us.test"));
        Assert.DoesNotContain(_peer.Commands, c => c.Contains("SIZE="));
    }

    [Fact]
    public async Task Message_larger_than_the_advertised_size_is_refused_before_sending()
    {
        _peer.Extensions.Remove("SIZE 10000000");
        _peer.Extensions.Add("SIZE 20");
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.PermanentFailure, r[0].Status);
        Assert.Contains("552", r[0].Text);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL"));
    }

    [Fact]
    public async Task Eight_bit_body_is_declared_when_offered()
    {
        var e = _h.Spool(Body) with { Body8Bit = true };
        await _h.SendAsync(e, "a@dest.test");
        Assert.Contains(_peer.Commands, c => c.EndsWith(" BODY=8BITMIME"));
    }

    [Fact]
    public async Task Starttls_when_NeedTLS_1_and_offered()
    {
        _peer.OfferStartTls = true;
        _h.Forwards.Clear();
        _h.Forwards.Add(("dest.test", _peer.HostPort + ",NeedTLS=1"));
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.True(Assert.Single(_peer.Messages).Tls);
        Assert.Equal(2, _peer.Commands.Count(c => c.StartsWith("EHLO")));
    }

    [Fact]
    public async Task SmtpGwConfig_sets_the_default_NeedTLS()
    {
        _peer.OfferStartTls = true;
        _h.Set("SmtpGwConfig", "NeedTLS=1");
        await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.True(Assert.Single(_peer.Messages).Tls);
    }

    [Fact]
    public async Task NeedTLS_1_falls_back_to_plain_NeedTLS_2_refuses()
    {
        _h.Forwards.Clear();
        _h.Forwards.Add(("one.test", _peer.HostPort + ",NeedTLS=1"));
        _h.Forwards.Add(("two.test", _peer.HostPort + ",NeedTLS=2"));
        var r = await _h.SendAsync(_h.Spool(Body), "a@one.test", "b@two.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[1].Status);
        Assert.Contains("STARTTLS required", r[1].Text);
        Assert.False(Assert.Single(_peer.Messages).Tls);
    }

    [Fact]
    public async Task NeedTLS_2_refused_starttls_fails()
    {
        _peer.OfferStartTls = true;
        _peer.StartTlsReply = "454 TLS not available";
        _h.Forwards.Clear();
        _h.Forwards.Add(("dest.test", _peer.HostPort + ",NeedTLS=2"));
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.TemporaryFailure, r[0].Status);
        Assert.Empty(_peer.Messages);
    }

    [Theory]
    [InlineData("PLAIN", "127.0.0.1.tab")]
    [InlineData("LOGIN", "127.0.0.1.tab")]
    [InlineData("CRAM-MD5", "127.0.0.1.tab")]
    public async Task Client_auth_from_userauth_smtp(string mech, string file)
    {
        _peer.Auth = (mech, "relayuser", "s3cret");
        _h.WriteAuth(file, $"\"{mech}\"\t\"relayuser\"\t\"s3cret\"");
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, r[0].Status);
        Assert.StartsWith("AUTH " + mech, Assert.Single(_peer.Messages).AuthLine);
    }

    [Fact]
    public async Task Rejected_auth_is_temporary_and_sends_nothing()
    {
        _peer.Auth = ("PLAIN", "relayuser", "right");
        _h.WriteAuth("127.0.0.1.tab", "\"PLAIN\"\t\"relayuser\"\t\"wrong\"");
        var r = await _h.SendAsync(_h.Spool(Body), "a@dest.test");
        Assert.NotEqual(DeliveryStatus.Delivered, r[0].Status);
        Assert.Contains("535", r[0].Text);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL"));
    }

    [Fact]
    public void Auth_file_is_found_for_the_host_then_parent_domains()
    {
        _h.WriteAuth("foo.net.tab", "\"LOGIN\"\t\"u\"\t\"p\"");
        var t = new ClientAuthTable(new XMail.Fast.Core.Config.MailRoot(_h.MailRootPath));
        Assert.Equal(new ClientAuth("LOGIN", "u", "p"), t.Find("mail.foo.net"));
        Assert.Equal(new ClientAuth("LOGIN", "u", "p"), t.Find("foo.net"));
        Assert.Null(t.Find("net"));
        Assert.Null(t.Find("../foo.net"));
    }

    [Fact]
    public async Task Sessions_are_reused_for_queued_messages()
    {
        for (int i = 0; i < 5; i++)
            Assert.Equal(DeliveryStatus.Delivered, (await _h.SendAsync(_h.Spool(Body), $"m{i}@dest.test"))[0].Status);
        Assert.Equal(5, _peer.Messages.Count);
        Assert.Equal(1, _peer.Connections);
        Assert.Equal(1, _peer.Commands.Count(c => c.StartsWith("EHLO")));
        Assert.Equal(1, _h.Mailer.IdleConnections);
    }

    [Fact]
    public async Task A_pooled_session_closed_by_the_peer_is_replaced()
    {
        _peer.CloseAfterMessage = true;
        for (int i = 0; i < 3; i++)
            Assert.Equal(DeliveryStatus.Delivered, (await _h.SendAsync(_h.Spool(Body), $"m{i}@dest.test"))[0].Status);
        Assert.Equal(3, _peer.Messages.Count);
        Assert.Equal(3, _peer.Connections);
    }

    [Fact]
    public async Task Failed_transaction_is_reset_and_the_session_reused()
    {
        _peer.RcptReply = a => a.StartsWith("bad") ? "550 no" : "250 OK";
        await _h.SendAsync(_h.Spool(Body), "bad@dest.test");
        Assert.Equal(DeliveryStatus.Delivered, (await _h.SendAsync(_h.Spool(Body), "ok@dest.test"))[0].Status);
        Assert.Equal(1, _peer.Connections);
        Assert.Contains("RSET", _peer.Commands);
    }
}
