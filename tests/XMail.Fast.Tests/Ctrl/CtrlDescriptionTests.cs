using System.Net.Security;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"XMAIL ADMIN PROTOCOL" / "Description", "CTRL.IPMAP.TAB", "CTRLACCOUNTS.TAB", COMMAND LINE [CTRL]/[CTRLS], "SSL CONFIGURATION".</summary>
public sealed class CtrlDescriptionTests
{
    [Fact]
    public async Task Banner_clear_login_noop_quit_as_observed()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        Assert.Matches(@"^\+00000 <\d+\.\d+@127\.0\.0\.1> XMail\.Fast \d+\.\d+\.\d+ CTRL Server; \w{3}, \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", c.Banner);
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", "secret"));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
        Assert.Equal("+00000 OK", await c.CommandAsync("quit"));
        Assert.True(await c.Lines.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Md5_login_uses_the_banner_timestamp()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", CtrlTestClient.Md5Login(c.Timestamp, "secret")));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Theory]
    [InlineData("admin", "wrong")]
    [InlineData("nobody", "secret")]
    [InlineData("admin", "#00000000000000000000000000000000")]
    [InlineData("admin", "SECRET")]
    public async Task Failed_login_answers_00105_and_closes(string user, string password)
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        var reply = await c.CommandAsync(user, password);
        Assert.StartsWith("-00105 ", reply);
        Assert.True(await c.Lines.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Login_line_with_three_fields_is_a_bad_login()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        Assert.StartsWith("-00105 ", await c.CommandAsync("admin", "secret", "x"));
        Assert.True(await c.Lines.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Wrong_md5_with_the_right_password_of_another_timestamp_fails()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        Assert.StartsWith("-00105 ", await c.CommandAsync("admin", CtrlTestClient.Md5Login("<1.2@127.0.0.1>", "secret")));
    }

    [Fact]
    public async Task Commands_are_case_insensitive_and_bad_lines_answer_00103_without_ending_the_session()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("NoOp"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("nosuchcommand"));
        Assert.Equal("-00103 Bad CTRL command syntax", await c.CommandAsync("noop", "extra"));
        await c.Lines.SendLineAsync("");
        Assert.Equal("-00103 Bad CTRL command syntax", await c.Lines.ReadLineAsync());
        await c.Lines.SendLineAsync("\"noop");
        Assert.Equal("-00103 Bad CTRL command syntax", await c.Lines.ReadLineAsync());
        await c.Lines.SendLineAsync("# a comment");
        Assert.Equal("-00103 Bad CTRL command syntax", await c.Lines.ReadLineAsync());
        await c.Lines.SendLineAsync("\"noop\"\u0001");
        Assert.StartsWith("-00190 ", await c.Lines.ReadLineAsync());
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Fact]
    public async Task Over_long_line_is_refused_and_the_session_goes_on()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.LoginAsync(s);
        await c.Lines.SendLineAsync("\"noop\"\t\"" + new string('x', 100_000) + "\"");
        Assert.StartsWith("-00162 ", await c.Lines.ReadLineAsync());
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Fact]
    public async Task Ctrl_ipmap_deny_answers_00130_and_closes()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => r.Write("ctrl.ipmap.tab", "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n"));
        using var lines = await LineClientHolder.ConnectAsync(s.Port("CTRL"));
        Assert.StartsWith("-00130 ", await lines.Client.ReadLineAsync());
        Assert.True(await lines.Client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Ctrl_ipmap_allow_with_higher_precedence_wins()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => r.Write("ctrl.ipmap.tab",
            "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n\"127.0.0.0\"\t\"255.0.0.0\"\t\"ALLOW\"\t2\n"));
        await using var c = await CtrlTestClient.LoginAsync(s);
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
    }

    [Fact]
    public async Task Session_limit_CX_answers_busy_and_closes()
    {
        await using var s = await CtrlServer.StartAsync(o => o.Ctrl.MaxSessions = 1);
        await using var first = await CtrlTestClient.LoginAsync(s);
        using var second = await LineClientHolder.ConnectAsync(s.Port("CTRL"));
        Assert.StartsWith("-00129 ", await second.Client.ReadLineAsync());
        Assert.True(await second.Client.IsClosedByServerAsync());
        Assert.Equal("+00000 OK", await first.CommandAsync("quit"));
        Assert.True(await first.Lines.IsClosedByServerAsync());
        // The slot is free again once the first session ended.
        Assert.True(await TestServer.WaitUntilAsync(() =>
        {
            using var probe = LineClientHolder.ConnectAsync(s.Port("CTRL")).GetAwaiter().GetResult();
            return probe.Client.ReadLineAsync().GetAwaiter().GetResult()?.StartsWith("+00000 <") == true;
        }));
    }

    [Fact]
    public async Task Idle_timeout_Ct_closes_the_session()
    {
        await using var s = await CtrlServer.StartAsync(o => o.Ctrl.TimeoutSeconds = 1);
        await using var c = await CtrlTestClient.LoginAsync(s);
        var started = DateTime.UtcNow;
        Assert.True(await c.Lines.IsClosedByServerAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Tls_login_line_upgrades_in_place_then_the_login_follows_over_tls()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        await using var c = await CtrlTestClient.ConnectAsync(s);
        await c.Lines.SendLineAsync("#!TLS");
        Assert.Equal("+00000 OK", await c.Lines.ReadLineAsync());
        var tls = new SslStream(c.Lines.Stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        c.Lines.Stream = tls;
        Assert.Equal("+00000 OK", await c.CommandAsync("admin", CtrlTestClient.Md5Login(c.Timestamp, "secret")));
        Assert.Equal("+00000 OK", await c.CommandAsync("noop"));
        Assert.Equal("+00000 OK", await c.CommandAsync("quit"));
    }

    [Fact]
    public async Task Tls_login_line_without_certificate_is_refused_and_closes()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var c = await CtrlTestClient.ConnectAsync(s);
        await c.Lines.SendLineAsync("#!TLS");
        Assert.StartsWith("-00", await c.Lines.ReadLineAsync());
        Assert.True(await c.Lines.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Tls_login_line_refused_when_EnableCTRL_TLS_is_0()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r =>
        {
            TestCertificates.WriteTo(r.Path);
            File.AppendAllText(r.File("server.tab"), "\"EnableCTRL-TLS\"\t\"0\"\n");
        });
        await using var c = await CtrlTestClient.ConnectAsync(s);
        await c.Lines.SendLineAsync("#!TLS");
        Assert.StartsWith("-00249 ", await c.Lines.ReadLineAsync());
    }

    [Fact]
    public async Task Ctrls_port_speaks_tls_from_the_first_byte()
    {
        await using var s = await CtrlServer.StartAsync(prepare: r => TestCertificates.WriteTo(r.Path));
        using var holder = await LineClientHolder.ConnectAsync(s.Port("CTRLS"));
        var tls = new SslStream(holder.Client.Stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        holder.Client.Stream = tls;
        Assert.StartsWith("+00000 <", await holder.Client.ReadLineAsync());
        await holder.Client.SendLineAsync(CtrlTestClient.Line("admin", "secret"));
        Assert.Equal("+00000 OK", await holder.Client.ReadLineAsync());
        // Already on TLS: "#!TLS" is not offered twice (only as the login line, so here it is just a bad command).
        await holder.Client.SendLineAsync(CtrlTestClient.Line("noop"));
        Assert.Equal("+00000 OK", await holder.Client.ReadLineAsync());
    }

    [Fact]
    public async Task Ctrl_log_Cl_records_logins_and_commands_but_never_passwords()
    {
        await using var s = await CtrlServer.StartAsync(o => o.Ctrl.Log = true);
        await using (var c = await CtrlTestClient.LoginAsync(s))
        {
            Assert.Equal("+00000 OK", await c.CommandAsync("useradd", "xmailserver.test", "logged", "Sup3rSecretPw", "U"));
            Assert.Equal("+00000 OK", await c.CommandAsync("quit"));
        }
        await using (var bad = await CtrlTestClient.ConnectAsync(s))
            Assert.StartsWith("-00105", await bad.CommandAsync("admin", "WrongPw123"));
        var logs = Directory.GetFiles(s.Root.File("logs"), "ctrl-*");
        Assert.Single(logs);
        string text = "";
        Assert.True(await TestServer.WaitUntilAsync(() => (text = File.ReadAllText(logs[0])).Contains("FAIL")));
        Assert.Contains("\"127.0.0.1\"\t\"admin\"", text);
        Assert.Contains("\"AUTH\"", text);
        Assert.Contains("\"useradd\"\t\"xmailserver.test\"\t\"logged\"\t\"***\"\t\"U\"", text);
        Assert.DoesNotContain("Sup3rSecretPw", text);
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain("WrongPw123", text);
    }

    /// <summary>A bare connection (no banner read yet).</summary>
    private sealed class LineClientHolder : IDisposable
    {
        public required LineClient Client { get; init; }

        public static async Task<LineClientHolder> ConnectAsync(int port) => new() { Client = await LineClient.ConnectAsync(port) };

        public void Dispose() => Client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
