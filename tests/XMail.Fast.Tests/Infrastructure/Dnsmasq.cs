using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// A real dnsmasq on 127.0.0.1 at a free high port, answering only from its command line (MX, A, AAAA, PTR, TXT)
/// and NXDOMAIN for anything else under ".test". Stopped by PID on dispose. Only the interop test that compares
/// <see cref="TestDnsServer"/> with dnsmasq starts it (skipped with "needs dnsmasq" where it is not installed).
/// </summary>
public sealed class Dnsmasq : IDisposable
{
    private readonly Process _process;

    private Dnsmasq(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The SmartDNSHost value that points at this server.</summary>
    public string SmartDnsHost(string proto = "udp") => $"127.0.0.1:{Port}:{proto}";

    public static Dnsmasq Start(params string[] records)
    {
        var exe = ThirdPartyProgram.Require("dnsmasq", "dnsmasq");
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
                     {
                         $"--port={port}", "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                         "--listen-address=127.0.0.1", "--bind-interfaces", "--pid-file=", "--local=/test/",
                         "--user=" + Environment.UserName, "--cache-size=0",
                     }.Concat(records))
                psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) started.TrySetResult(false);
                else if (e.Data.Contains("started")) started.TrySetResult(true);
            };
            p.BeginErrorReadLine();
            if (started.Task.Wait(TimeSpan.FromSeconds(10)) && started.Task.Result && !p.HasExited) return new Dnsmasq(p, port);
            try { p.Kill(); } catch { }
            p.Dispose();
            if (attempt >= 3) throw new InvalidOperationException("dnsmasq did not start");
        }
    }

    private static int FreePort()
    {
        using var u = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        u.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)u.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch { }
        _process.Dispose();
    }
}
