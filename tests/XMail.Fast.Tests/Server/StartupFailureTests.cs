using System.Net;
using System.Net.Sockets;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// Start-up failures are one line each (the cause, the switch or file, the fix) and a documented exit code: never a
/// stack trace, never a core dump (134).
/// </summary>
public sealed class StartupFailureTests
{
    private static string OneLine(string output)
    {
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("http://", output);
        return Assert.Single(output.TrimEnd().Split('\n')).TrimEnd('\r');
    }

    [Fact]
    public async Task Port_in_use_names_the_service_the_port_and_the_switch()
    {
        using var root = new TempMailRoot();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path, .. XMailProcess.SmtpOnly(port)]);
        Assert.Equal(6, code);
        Assert.Equal($"XMail: SMTP cannot listen on 127.0.0.1:{port}: the port is in use by another program (another XMail?); " +
                     "stop it, or choose another port with -Sp or -SI, or disable SMTP with -S-", OneLine(output));
    }

    [Fact]
    public async Task Port_out_of_range_names_the_switch()
    {
        using var root = new TempMailRoot();
        var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path, "-Sp", "70000", "-X-", "-P-", "-B-", "-F-", "-C-", "-W-", "-Y-"]);
        Assert.Equal(6, code);
        Assert.Equal("XMail: SMTP port 70000 (-Sp) is out of range; give a port from 1 to 65535 with -Sp, or disable SMTP with -S-", OneLine(output));
    }

    [Theory]
    [InlineData("garbage", "key")]
    [InlineData("cert", "other-key")]
    [InlineData("cert", "")]
    public async Task Unusable_certificate_or_key_stops_the_start(string cert, string key)
    {
        using var root = new TempMailRoot();
        TestCertificates.WriteTo(root.Path);
        if (cert == "garbage") File.WriteAllText(root.File("server.cert"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        if (key == "other-key")
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            File.WriteAllText(root.File("server.key"), rsa.ExportPkcs8PrivateKeyPem());
        }
        if (key == "") File.Delete(root.File("server.key"));
        var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path, .. XMailProcess.SmtpOnly(XMailProcess.FreePort())]);
        Assert.Equal(7, code);
        var line = OneLine(output);
        Assert.StartsWith("XMail: TLS certificate unusable: ", line);
        Assert.EndsWith($"({root.File("server.cert")}, {root.File("server.key")}); put a PEM certificate (or full chain) in server.cert " +
                        "and its private key in server.key, or remove both to run without TLS", line);
    }

    /// <param name="spoolOnly">Only spool/temp is not writable (left behind by a run as another user).</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_MailRoot_this_user_cannot_write_is_refused(bool spoolOnly)
    {
        using var root = new TempMailRoot();
        var temp = root.File("spool/temp");
        Directory.CreateDirectory(temp);
        const UnixFileMode readOnly = (UnixFileMode)0b101_101_101, writable = (UnixFileMode)0b111_101_101;
        string[]? asNobody = null;
        if (Environment.UserName == "root")
        {
            // root writes anywhere: run the server as nobody, on folders only root may write.
            Assert.True(File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is needed to drop root");
            asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
            File.SetUnixFileMode(root.Path, writable);
            if (spoolOnly) foreach (var e in Directory.EnumerateFileSystemEntries(root.Path, "*", SearchOption.AllDirectories).Append(root.Path))
                if (e != temp) Chown(e, 65534);
        }
        else File.SetUnixFileMode(spoolOnly ? temp : root.Path, readOnly);
        try
        {
            var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path, .. XMailProcess.SmtpOnly(XMailProcess.FreePort())],
                new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = Path.GetTempPath(), ["HOME"] = Path.GetTempPath() }, prefix: asNobody);
            Assert.Equal(5, code);
            var line = OneLine(output);
            Assert.StartsWith($"XMail: MailRoot {root.Path} is not writable: ", line);
            Assert.Contains(spoolOnly ? temp : $"cannot create {root.File(".xmail.lock")} (Permission denied)", line);
            Assert.Contains("; make it writable by the user the server runs as (uid ", line);
        }
        finally
        {
            File.SetUnixFileMode(root.Path, writable);
            File.SetUnixFileMode(temp, writable);
        }
    }

    private static void Chown(string path, int uid)
    {
        using var p = System.Diagnostics.Process.Start("chown", ["-h", $"{uid}:{uid}", path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public async Task Bad_MAIL_CMD_LINE_is_a_usage_error()
    {
        using var root = new TempMailRoot();
        var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path], new Dictionary<string, string?> { ["MAIL_CMD_LINE"] = "-Qq" });
        Assert.Equal(2, code);
        Assert.StartsWith("XMail: unknown switch -Qq\nusage: XMail ", output.Replace("\r", ""));
    }

    /// <summary>Reported when the server starts, not first when a client asks for TLS; the server still starts (drop-in).</summary>
    [Fact]
    public async Task TLS_listeners_without_a_certificate_are_reported_at_start()
    {
        using var root = new TempMailRoot();
        int smtp = XMailProcess.FreePort(), smtps = XMailProcess.FreePort();
        await using var p = XMailProcess.Start(["-Ms", root.Path, "-SI", "127.0.0.1:" + smtp, "-XI", "127.0.0.1:" + smtps, "-P-", "-B-", "-F-", "-C-", "-W-", "-Y-"]);
        Assert.True(await p.WaitForPortAsync(smtp), p.Output);
        Assert.True(await TestServer.WaitUntilAsync(() => p.Output.Contains("listening")), p.Output);
        Assert.Contains($"no {root.File("server.cert")}/server.key: SMTPS, SMTP STARTTLS refuse TLS until they exist (XMail --init creates a self-signed pair)", p.Output);
        File.WriteAllText(root.File(".shutdown"), "");
        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
