using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.External;

/// <summary>
/// The one runner for every external program XMail starts (external auth, message filters, mailproc/custdomain/
/// cmdalias "external" and "filter", SMTP filters): argv[0] is the command, the rest are arguments after macro
/// substitution ("MACRO SUBSTITUTION": a field that is exactly "@@NAME", or "$(NAME)" anywhere in a field); no shell is
/// involved. Process priority (-1 below normal, 0 normal, +1 above normal), timeout (0 = start and do not wait, as
/// XMail's "wait-timeout" 0) with kill of the whole process tree. A program that cannot be started is a logged
/// error, never an exception.
/// </summary>
public static class ExternalProgram
{
    public const int StartFailed = -1;

    public static string[] Expand(IReadOnlyList<string> fields, IReadOnlyDictionary<string, string> macros)
    {
        var result = new string[fields.Count];
        for (int i = 0; i < fields.Count; i++) result[i] = ExpandField(fields[i], macros);
        return result;
    }

    public static string[] Expand(IEnumerable<string> fields, Func<string, string?> lookup) =>
        fields.Select(f => ExpandField(f, lookup)).ToArray();

    public static string ExpandField(string field, IReadOnlyDictionary<string, string> macros) =>
        ExpandField(field, name => macros.TryGetValue(name, out var v) ? v : null);

    /// <summary>Unknown macros are left as written, so a literal "$(X)" survives.</summary>
    public static string ExpandField(string field, Func<string, string?> lookup)
    {
        if (field.Length > 2 && field.StartsWith("@@", StringComparison.Ordinal) && lookup(field[2..]) is { } whole) return whole;
        int open = field.IndexOf("$(", StringComparison.Ordinal);
        if (open < 0) return field;
        var sb = new StringBuilder(field.Length + 32);
        int pos = 0;
        while (open >= 0)
        {
            int close = field.IndexOf(')', open + 2);
            if (close < 0) break;
            sb.Append(field, pos, open - pos);
            string name = field.Substring(open + 2, close - open - 2);
            if (lookup(name) is { } v) sb.Append(v);
            else sb.Append(field, open, close - open + 1);
            pos = close + 1;
            open = field.IndexOf("$(", pos, StringComparison.Ordinal);
        }
        sb.Append(field, pos, field.Length - pos);
        return sb.ToString();
    }

    /// <summary>Runs argv and returns its exit code, or <see cref="StartFailed"/> when not started or timed out (killed).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken ct = default)
    {
        if (argv.Count == 0 || string.IsNullOrEmpty(argv[0])) return StartFailed;
        var r = await RunAsync(argv[0], argv.Skip(1).ToArray(), Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)), 0, null, ct).ConfigureAwait(false);
        return r.Started && !r.TimedOut ? r.ExitCode : StartFailed;
    }

    public static async Task<ExternalResult> RunAsync(
        string program, IReadOnlyList<string> args, int timeoutSeconds, int priority = 0,
        ILogger? log = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            CreateNoWindow = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("process not started");
        }
        catch (Exception ex)
        {
            log?.LogError("external program {Program} could not be started: {Error}", program, ex.Message);
            return new ExternalResult(false, StartFailed, false, ex.Message);
        }

        if (priority != 0)
        {
            try { process.PriorityClass = priority < 0 ? ProcessPriorityClass.BelowNormal : ProcessPriorityClass.AboveNormal; }
            catch (Exception ex) { log?.LogDebug("priority {Priority} not applied to {Program}: {Error}", priority, program, ex.Message); }
        }

        if (timeoutSeconds <= 0)
        {
            // "nowait": reap in the background so no zombie is left behind.
            _ = process.WaitForExitAsync().ContinueWith(_ => process.Dispose(), TaskScheduler.Default);
            return new ExternalResult(true, 0, false, null);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return new ExternalResult(true, process.ExitCode, false, null);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch { }
                try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch { }
                if (ct.IsCancellationRequested) throw;
                log?.LogWarning("external program {Program} timed out after {Seconds}s and was killed", program, timeoutSeconds);
                return new ExternalResult(true, StartFailed, true, "timeout");
            }
        }
    }
}
