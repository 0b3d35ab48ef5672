using System.Net;
using System.Net.Sockets;
using System.Text;
using XMail.Fast.Tools.CtrlClnt;

namespace XMail.Fast.Tests.Tools;

/// <summary>"CtrlClnt (XMAIL ADMINISTRATION)" and the client side of "XMAIL ADMIN PROTOCOL" → Description.</summary>
public class CtrlClntTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    private sealed record RunResult(int ExitCode, string Stdout, string Stderr);

    private static RunResult Run(IEnumerable<string> args, string stdin = "", Func<string, string?>? env = null)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = CtrlClntRunner.Run(args.ToArray(), env ?? NoEnv, new MemoryStream(Encoding.Latin1.GetBytes(stdin)), stdout, stderr);
        return new RunResult(code, Encoding.Latin1.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static string[] Base(FakeCtrlServer s, params string[] more) =>
        ["-s", "127.0.0.1", "-n", s.Port.ToString(), "-u", FakeCtrlServer.User, "-p", FakeCtrlServer.Password, .. more];

    // ---- command line ----

    [Fact]
    public void Parse_defaults_match_the_spec()
    {
        var o = CtrlClntOptions.Parse(["-s", "mail.foo.org", "-u", "davide", "-p", "ciao", "useradd", "home.bogus", "foouser", "foopasswd", "U"], NoEnv)!;
        Assert.Equal("mail.foo.org", o.Server);
        Assert.Equal(6017, o.Port);
        Assert.Equal(60, o.TimeoutSeconds);
        Assert.True(o.UseMd5);
        Assert.Equal(CtrlTlsMode.None, o.Tls);
        Assert.Null(o.IoFile);
        Assert.Equal(["useradd", "home.bogus", "foouser", "foopasswd", "U"], o.Command);
    }

    [Fact]
    public void Parse_reads_every_switch_and_the_certificate_environment()
    {
        var env = new Dictionary<string, string?> { ["CTRL_KEY_FILE"] = "k.pem", ["CTRL_CERT_FILE"] = "c.pem", ["CTRL_CA_FILE"] = "ca.pem", ["CTRL_CA_PATH"] = "/etc/ca" };
        var o = CtrlClntOptions.Parse(["-s", "h", "-n", "6018", "-u", "u", "-p", "p", "-t", "5", "-f", "out.txt", "-c", "-L", "-D", "noop"], k => env.GetValueOrDefault(k))!;
        Assert.Equal(6018, o.Port);
        Assert.Equal(5, o.TimeoutSeconds);
        Assert.Equal("out.txt", o.IoFile);
        Assert.False(o.UseMd5);
        Assert.Equal(CtrlTlsMode.Native, o.Tls);
        Assert.True(o.Debug);
        Assert.Equal(("k.pem", "c.pem", "ca.pem", "/etc/ca"), (o.KeyFile, o.CertFile, o.CaFile, o.CaPath));
        Assert.True(o.VerifyServerCertificate);

        var o2 = CtrlClntOptions.Parse(["-s", "h", "-u", "u", "-p", "p", "-K", "k2", "-C", "c2", "-X", "x2", "-H", "h2", "-L", "-S", "noop"], k => env.GetValueOrDefault(k))!;
        Assert.Equal(("k2", "c2", "x2", "h2"), (o2.KeyFile, o2.CertFile, o2.CaFile, o2.CaPath));
        Assert.Equal(CtrlTlsMode.InBandSwitch, o2.Tls);
    }

    [Theory]
    [InlineData("-u", "u", "-p", "p", "noop")]            // no server
    [InlineData("-s", "h", "-p", "p", "noop")]            // no user
    [InlineData("-s", "h", "-u", "u", "noop")]            // no password
    [InlineData("-s", "h", "-u", "u", "-p", "p")]         // no command
    [InlineData("-s", "h", "-u", "u", "-p", "p", "-Z", "noop")]
    [InlineData("-s", "h", "-u", "u", "-p", "p", "-n", "abc", "noop")]
    public void Bad_usage_prints_usage_and_exits_3(params string[] args)
    {
        Assert.Null(CtrlClntOptions.Parse(args, NoEnv));
        var r = Run(args);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("[-snuptfSLcKCXHD]", r.Stderr);
    }

    [Fact]
    public void Key_without_certificate_is_refused_with_exit_4()
    {
        var r = Run(["-s", "127.0.0.1", "-u", "u", "-p", "p", "-K", "key.pem", "noop"]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("both private key and certificate", r.Stderr);
    }

    // ---- login ----

    [Fact]
    public void Default_login_is_MD5_over_timestamp_and_password()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "noop"));
        Assert.Equal(0, r.ExitCode);
        var lines = server.Received.ToArray();
        Assert.Equal($"\"admin\"\t\"#{FakeCtrlServer.Md5("<1795535019.4242@127.0.0.1>secret")}\"", lines[0]);
        Assert.Equal("\"noop\"", lines[1]);
        Assert.Equal("\"quit\"", lines[2]);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Server_given_by_name_is_resolved()
    {
        using var server = new FakeCtrlServer();
        var r = Run(["-s", "localhost", "-n", server.Port.ToString(), "-u", FakeCtrlServer.User, "-p", FakeCtrlServer.Password, "noop"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    [Fact]
    public void Minus_c_sends_the_clear_password()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "-c", "noop"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("\"admin\"\t\"secret\"", server.Received.First());
    }

    [Fact]
    public void Rejected_login_exits_4_with_the_server_error()
    {
        using var server = new FakeCtrlServer();
        var r = Run(["-s", "127.0.0.1", "-n", server.Port.ToString(), "-u", "admin", "-p", "wrong", "noop"]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("Controller response error", r.Stderr);
        Assert.Contains("-00105 Bad controller login", r.Stderr);
    }

    // ---- commands and replies ----

    [Fact]
    public void Command_and_parameters_are_sent_as_tab_joined_quoted_fields()
    {
        using var server = new FakeCtrlServer();
        Assert.Equal(0, Run(Base(server, "useradd", "home.bogus", "foouser", "foo passwd", "U")).ExitCode);
        Assert.Contains("\"useradd\"\t\"home.bogus\"\t\"foouser\"\t\"foo passwd\"\t\"U\"", server.Received);
    }

    [Fact]
    public void Listing_reply_is_printed_with_dot_stuffing_undone()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "domainlist"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(string.Concat(FakeCtrlServer.Listing.Select(l => l + "\n")), r.Stdout);
    }

    [Fact]
    public void Listing_goes_to_the_minus_f_file()
    {
        using var dir = new TempDir("ctrlclnt");
        using var server = new FakeCtrlServer();
        var file = dir.Combine("list.txt");
        var r = Run(Base(server, "-f", file, "domainlist"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(string.Concat(FakeCtrlServer.Listing.Select(l => l + "\n")), File.ReadAllText(file, Encoding.Latin1));
    }

    [Fact]
    public void Upload_reply_sends_stdin_dot_stuffed_and_ends_with_a_dot()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "cfgfileset", "server.tab"), stdin: "\"a\"\t\"1\"\n.starts with dot\n.\n\nlast\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["\"a\"\t\"1\"", ".starts with dot", ".", "", "last"], server.Uploaded);
        var wire = server.Received.ToArray();
        int start = Array.IndexOf(wire, "\"cfgfileset\"\t\"server.tab\"");
        Assert.Equal(["\"a\"\t\"1\"", "..starts with dot", "..", "", "last", "."], wire[(start + 1)..(start + 7)]);
    }

    [Fact]
    public void Upload_reads_the_minus_f_file()
    {
        using var dir = new TempDir("ctrlclnt");
        using var server = new FakeCtrlServer();
        var file = dir.Combine("in.tab");
        File.WriteAllText(file, "line1\r\n.line2\r\n");
        Assert.Equal(0, Run(Base(server, "-f", file, "cfgfileset", "x.tab"), stdin: "ignored\n").ExitCode);
        Assert.Equal(["line1", ".line2"], server.Uploaded);
    }

    [Fact]
    public void Upload_refused_by_the_server_exits_4()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "uploadrefused"), stdin: "x\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("-00010 Unable to create file", r.Stderr);
    }

    [Fact]
    public void Error_reply_prints_the_error_exits_4_and_still_quits()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "useradd", "home.bogus", "exists", "pw", "U"));
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("ErrString = Controller response error", r.Stderr);
        Assert.Contains("ErrInfo   = -00013 User already exist", r.Stderr);
        Assert.Equal("\"quit\"", server.Received.Last());
    }

    [Fact]
    public void Debug_shows_the_conversation_without_a_clear_password()
    {
        using var server = new FakeCtrlServer();
        var r = Run(Base(server, "-c", "-D", "noop"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("C: \"noop\"", r.Stderr);
        Assert.Contains("S: +00000", r.Stderr);
        Assert.DoesNotContain("secret", r.Stderr);
    }

    // ---- failures ----

    [Fact]
    public void Connection_refused_exits_4_with_a_message()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var r = Run(["-s", "127.0.0.1", "-n", port.ToString(), "-u", "u", "-p", "p", "noop"]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("connect", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Silent_server_times_out_after_minus_t_seconds()
    {
        using var server = new FakeCtrlServer(silent: true);
        var started = DateTime.UtcNow;
        var r = Run(Base(server, "-t", "1", "noop"));
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("Timeout", r.Stderr);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Command_parameter_with_a_quote_is_refused_before_connecting()
    {
        var r = Run(["-s", "127.0.0.1", "-n", "1", "-u", "u", "-p", "p", "useradd", "d", "a\"b"]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("cannot contain", r.Stderr);
    }

    // ---- TLS ----

    [Fact]
    public void Minus_L_talks_native_TLS_and_accepts_a_self_signed_certificate()
    {
        using var cert = FakeCtrlServer.CreateCertificate();
        using var server = new FakeCtrlServer(cert, nativeTls: true);
        var r = Run(Base(server, "-L", "domainlist"));
        Assert.Equal(0, r.ExitCode);
        Assert.True(server.TlsUsed);
        Assert.Equal(string.Concat(FakeCtrlServer.Listing.Select(l => l + "\n")), r.Stdout);
    }

    [Fact]
    public void Minus_S_switches_to_TLS_in_band_then_logs_in_with_MD5()
    {
        using var cert = FakeCtrlServer.CreateCertificate();
        using var server = new FakeCtrlServer(cert);
        var r = Run(Base(server, "-S", "noop"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(server.TlsUsed);
        var lines = server.Received.ToArray();
        Assert.Equal("#!TLS", lines[0]);
        Assert.StartsWith("\"admin\"\t\"#", lines[1]);
    }

    [Fact]
    public void Minus_X_verifies_the_server_against_the_given_CA()
    {
        using var dir = new TempDir("ctrlclnt");
        using var cert = FakeCtrlServer.CreateCertificate();
        using var other = FakeCtrlServer.CreateCertificate("other");
        File.WriteAllText(dir.Combine("good.pem"), cert.ExportCertificatePem());
        File.WriteAllText(dir.Combine("bad.pem"), other.ExportCertificatePem());
        using var server = new FakeCtrlServer(cert, nativeTls: true);

        Assert.Equal(0, Run(Base(server, "-L", "-X", dir.Combine("good.pem"), "noop")).ExitCode);
        var refused = Run(Base(server, "-L", "-X", dir.Combine("bad.pem"), "noop"));
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("SSL", refused.Stderr);
    }

    // ---- the executable ----

    [Fact]
    public void Executable_lists_to_stdout_and_returns_XMail_exit_codes()
    {
        using var server = new FakeCtrlServer();
        var ok = ToolProcess.Run("CtrlClnt", Base(server, "domainlist"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(string.Concat(FakeCtrlServer.Listing.Select(l => l + "\n")), ok.StdoutText);

        var error = ToolProcess.Run("CtrlClnt", Base(server, "useradd", "d", "exists", "p", "U"));
        Assert.Equal(4, error.ExitCode);
        Assert.Contains("User already exist", error.Stderr);

        var usage = ToolProcess.Run("CtrlClnt", ["noop"]);
        Assert.Equal(3, usage.ExitCode);
        Assert.Contains("[-snuptfSLcKCXHD]", usage.Stderr);
    }

    [Fact]
    public void Executable_uploads_stdin()
    {
        using var server = new FakeCtrlServer();
        var r = ToolProcess.Run("CtrlClnt", Base(server, "cfgfileset", "a.tab"), Encoding.Latin1.GetBytes("one\n.two\n"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["one", ".two"], server.Uploaded);
    }
}
