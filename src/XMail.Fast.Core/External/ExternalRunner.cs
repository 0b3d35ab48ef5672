using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.External;

/// <summary>
/// The one runner for every external program XMail starts: message filters, the "external" and "filter" commands of
/// mailproc/custdomains/cmdaliases, SMTP filters, external user authentication (userauth/*) and SMTPEXTAUTH. It
/// substitutes the macros, starts argv[0] with the rest as arguments (no shell), sets the priority, waits up to the
/// timeout (0 = "nowait") and kills the whole process tree after it, reads and removes the .rej file, removes the
/// run's temp files and writes the -Qg filter log. What an exit code means is the caller's rule, passed in. A program
/// that cannot be started is a logged error, never an exception.
/// </summary>
public static class ExternalRunner
{
    /// <summary>The exit code of a run that has none: not started, killed at its timeout, or not waited for.</summary>
    public const int NoExitCode = -1;

    /// <summary>Runs the program and returns what <paramref name="exitRule"/> makes of the result (temp files are removed after it).</summary>
    public static async Task<T> RunAsync<T>(ExternalRun run, Func<ExternalResult, T> exitRule, ILogger? log, CancellationToken ct = default)
    {
        try
        {
            var result = await RunAsync(run, log, ct).ConfigureAwait(false);
            return exitRule(result);
        }
        finally
        {
            foreach (var f in run.TempFiles) TryDelete(f);
        }
    }

    private static async Task<ExternalResult> RunAsync(ExternalRun run, ILogger? log, CancellationToken ct)
    {
        var argv = Argv(run);
        if (run.RejectFile is { } rej) TryDelete(rej);
        var (started, exitCode, timedOut, error) = await StartAndWaitAsync(argv, run.TimeoutSeconds, run.Priority, log, ct).ConfigureAwait(false);
        var result = new ExternalResult(started, exitCode, timedOut, error, ReadRejectText(run.RejectFile), argv);
        run.FilterLog?.Write(result);
        return result;
    }

    private static string[] Argv(ExternalRun run)
    {
        var argv = new string[run.Arguments.Count + 1];
        argv[0] = run.Program;
        for (int i = 0; i < run.Arguments.Count; i++) argv[i + 1] = run.Arguments[i];
        return run.Macros is { } m ? m.Expand(argv) : argv;
    }

    private static async Task<(bool Started, int ExitCode, bool TimedOut, string? Error)> StartAndWaitAsync(
        string[] argv, int timeoutSeconds, int priority, ILogger? log, CancellationToken ct)
    {
        var program = argv[0];
        if (program.Length == 0) return (false, NoExitCode, false, "no program");
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, CreateNoWindow = true };
        for (int i = 1; i < argv.Length; i++) psi.ArgumentList.Add(argv[i]);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("process not started");
        }
        catch (Exception ex)
        {
            log?.LogError("external program {Program} could not be started: {Error}", program, ex.Message);
            return (false, NoExitCode, false, ex.Message);
        }
        SetPriority(process, priority, program, log);

        if (timeoutSeconds <= 0)
        {
            // "nowait": reap in the background so no zombie is left behind.
            _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
            return (true, NoExitCode, false, null);
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return (true, process.ExitCode, false, null);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch { /* already gone */ }
                try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch { /* reaped later */ }
                if (ct.IsCancellationRequested) throw;
                log?.LogWarning("external program {Program} timed out after {Seconds}s and was killed", program, timeoutSeconds);
                return (true, NoExitCode, true, "timeout");
            }
        }
    }

    private static void SetPriority(Process process, int priority, string program, ILogger? log)
    {
        if (priority == 0) return;
        try { process.PriorityClass = priority < 0 ? ProcessPriorityClass.BelowNormal : ProcessPriorityClass.AboveNormal; }
        catch (Exception ex) { log?.LogDebug("priority {Priority} not applied to {Program}: {Error}", priority, program, ex.Message); }
    }

    /// <summary>The first line of a .rej file (Latin-1, trimmed; null when absent or empty); the file is removed.</summary>
    private static string? ReadRejectText(string? path)
    {
        if (path is null) return null;
        string? first = null;
        try
        {
            if (File.Exists(path)) first = File.ReadLines(path, Encoding.Latin1).FirstOrDefault()?.Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        TryDelete(path);
        return string.IsNullOrEmpty(first) ? null : first;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
