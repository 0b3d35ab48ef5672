using Microsoft.Extensions.Logging;
using XMail.Fast.Server.Startup;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// One process per MailRoot: the second server on a MailRoot is refused before it touches the spool, in another
/// process or in the same one, and a server never removes a pid file another one wrote.
/// </summary>
public sealed class MailRootLockTests
{
    [Fact]
    public async Task A_second_server_in_the_same_process_is_refused_before_it_touches_the_MailRoot()
    {
        await using var first = await TestServer.StartAsync();
        Directory.Delete(first.Root.File("msgsync")); // a folder every start creates: a start that got that far would bring it back
        var o = new XMail.Fast.Core.Config.XMailOptions { MailRootPath = first.Root.Path };
        o.Smtp.Bind.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        o.Smtp.Port = 0;
        foreach (var svc in new[] { o.Smtps, o.Pop3, o.Pop3s, o.Finger, o.Ctrl, o.Ctrls }) svc.Enabled = false;

        var failure = await Assert.ThrowsAsync<StartupFailure>(() => XMail.Fast.Server.XMailServer.StartAsync(o, lb => lb.AddFilter(_ => false)));
        Assert.Equal(ExitCodes.MailRootInUse, failure.ExitCode);
        Assert.StartsWith($"MailRoot {first.Root.Path} in use by pid {Environment.ProcessId} ", failure.Message);
        Assert.False(Directory.Exists(first.Root.File("msgsync")));

        // The first server is unharmed; once it is gone the MailRoot can be served again.
        var c = await LineClient.ConnectAsync(first.Port("SMTP"));
        await using (c) Assert.StartsWith("220 ", await c.ReadLineAsync());
        await first.Server.DisposeAsync();
        await using var again = await XMail.Fast.Server.XMailServer.StartAsync(o, lb => lb.AddFilter(_ => false));
    }

    [Fact]
    public async Task A_second_process_exits_4_naming_the_owner_and_leaves_its_pid_file_alone()
    {
        using var root = new TempMailRoot();
        var pidDir = Directory.CreateTempSubdirectory("xmf-pid-").FullName;
        var env = new Dictionary<string, string?> { ["XMAIL_PID_DIR"] = pidDir };
        int port = XMailProcess.FreePort();
        await using var first = XMailProcess.Start(["-Ms", root.Path, .. XMailProcess.SmtpOnly(port)], env);
        try
        {
            Assert.True(await first.WaitForPortAsync(port), first.Output);
            var pidFile = Path.Combine(pidDir, "XMail.pid");
            Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(pidFile)));

            var (code, output) = await XMailProcess.RunToExit(["-Ms", root.Path, .. XMailProcess.SmtpOnly(XMailProcess.FreePort())], env);
            Assert.Equal(4, code);
            var line = Assert.Single(output.TrimEnd().Split('\n'));
            Assert.Equal($"XMail: MailRoot {root.Path} in use by pid {first.Id} (lock {root.File(".xmail.lock")}); " +
                         "stop that server first, or give this one its own MailRoot with -Ms", line);
            Assert.Equal(first.Id + "\n", File.ReadAllText(pidFile)); // the refused instance wrote no pid file

            // Another instance (another MailRoot, same XMAIL_PID_DIR) wrote its pid since: stopping the first keeps it.
            File.WriteAllText(pidFile, "999999\n");
            File.WriteAllText(root.File(".shutdown"), "");
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("999999\n", File.ReadAllText(pidFile));
        }
        finally
        {
            Directory.Delete(pidDir, recursive: true);
        }
    }
}
