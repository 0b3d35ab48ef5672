using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XMail.Fast.Tests.Server;

/// <summary>
/// The real XMail executable as a child process (XMail.dll beside the tests), with a clean environment: no MAIL_ROOT,
/// MAIL_CMD_LINE or XMAIL_METRICS from the runner, and XMAIL_PID_DIR in a scratch folder unless the test sets them.
/// Start-up failures are run to their end with <see cref="RunToExit"/>; a running server is stopped by MailRoot/.shutdown.
/// </summary>
internal sealed class XMailProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private XMailProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and error, interleaved as they arrived.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "XMail.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, string? workingDirectory = null, string[]? prefix = null)
    {
        var psi = new ProcessStartInfo(prefix?[0] ?? "dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var p in prefix?.Skip(1).Append("dotnet") ?? []) psi.ArgumentList.Add(p);
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "MAIL_ROOT", "MAIL_CMD_LINE", "XMAIL_METRICS" }) psi.Environment.Remove(name);
        psi.Environment["XMAIL_PID_DIR"] = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "xmf-pid")).FullName;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return psi;
    }

    /// <param name="prefix">A program that runs dotnet for us, with its arguments (e.g. setpriv to drop to another user).</param>
    public static XMailProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, string? workingDirectory = null,
        string? stdin = null, string[]? prefix = null)
    {
        var p = new XMailProcess(new Process { StartInfo = StartInfo(args, env, workingDirectory, prefix) });
        p._process.OutputDataReceived += (_, e) => p.Append(e.Data);
        p._process.ErrorDataReceived += (_, e) => p.Append(e.Data);
        p._process.Start();
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        if (stdin is not null) p._process.StandardInput.Write(stdin);
        p._process.StandardInput.Close();
        return p;
    }

    /// <summary>Runs to the end (a start-up failure, --init) within the deadline; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExit(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null,
        string? workingDirectory = null, string? stdin = null, string[]? prefix = null)
    {
        await using var p = Start(args, env, workingDirectory, stdin, prefix);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p._process.WaitForExitAsync(cts.Token);
        p._process.WaitForExit(); // drains the output readers
        return (p.ExitCode, p.Output);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a connection (or the process ends).</summary>
    public async Task<bool> WaitForPortAsync(int port)
    {
        return await Infrastructure.TestServer.WaitUntilAsync(() =>
        {
            if (_process.HasExited) return true;
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(60)) && !_process.HasExited;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Switches that serve SMTP alone on 127.0.0.1:<paramref name="port"/>, without PSYNC.</summary>
    public static string[] SmtpOnly(int port) => ["-SI", "127.0.0.1:" + port, "-X-", "-P-", "-B-", "-F-", "-C-", "-W-", "-Y-"];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
