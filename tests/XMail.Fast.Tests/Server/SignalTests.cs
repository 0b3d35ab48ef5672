using System.Diagnostics;
using System.Net.Sockets;

namespace XMail.Fast.Tests.Server;

/// <summary>"SERVER SHUTDOWN [Linux]": kill -INT/-TERM `cat XMail.pid` stops the real executable gracefully.</summary>
public class SignalTests
{
    /// <param name="startedIgnoringSignal">Started the way a script's "XMail &amp;" (or nohup) starts it: with the signal
    /// ignored. XMail 1.27 installs its own handlers, so kill -INT stops it all the same.</param>
    [Theory]
    [InlineData("-TERM", false)]
    [InlineData("-INT", false)]
    [InlineData("-INT", true)]
    [InlineData("-TERM", true)]
    public async Task Signal_stops_the_server_and_removes_the_pid_file(string signal, bool startedIgnoringSignal)
    {
        using var root = new Infrastructure.TempMailRoot();
        var pidDir = Directory.CreateTempSubdirectory("xmf-pid").FullName;
        int port;
        using (var l = new TcpListener(System.Net.IPAddress.Loopback, 0)) { l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; }
        var psi = new ProcessStartInfo(startedIgnoringSignal ? "/bin/sh" : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // An ignored signal stays ignored across exec, and exec keeps the pid: the server is this process.
        if (startedIgnoringSignal) foreach (var a in new[] { "-c", $"trap '' {signal[1..]}; exec \"$0\" \"$@\"", "dotnet" }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "XMail.dll"), "-Ms", root.Path, "-SI", "127.0.0.1:" + port,
                     "-X-", "-P-", "-B-", "-C-", "-W-", "-F-", "-Y-" })
            psi.ArgumentList.Add(a);
        psi.Environment["XMAIL_PID_DIR"] = pidDir;
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var pidFile = Path.Combine(pidDir, "XMail.pid");
            // The file exists a moment before its number is in it: wait for the whole line.
            string written = "";
            Assert.True(await Infrastructure.TestServer.WaitUntilAsync(() => (written = ReadPid(pidFile)).EndsWith('\n'), TimeSpan.FromSeconds(30)),
                "XMail.pid not written");
            Assert.Equal(p.Id.ToString(), written.Trim());
            using (var kill = Process.Start("kill", [signal, p.Id.ToString()])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(cts.Token);
            Assert.Equal(0, p.ExitCode);
            Assert.False(File.Exists(pidFile));
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            Directory.Delete(pidDir, true);
        }
    }

    private static string ReadPid(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }
}
