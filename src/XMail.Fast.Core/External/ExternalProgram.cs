using System.Diagnostics;
using System.Text;

namespace XMail.Fast.Core.External;

/// <summary>
/// Runs one external program (external auth, filters, mailproc "external") the XMail way: argv[0] is the
/// command, the rest are arguments after macro substitution ("MACRO SUBSTITUTION": a field that is exactly
/// "@@NAME", or "$(NAME)" anywhere in a field); no shell is involved. Returns the exit code, or -1 when the
/// program could not be started or ran past the timeout (it is then killed).
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

    public static string ExpandField(string field, IReadOnlyDictionary<string, string> macros)
    {
        if (field.StartsWith("@@", StringComparison.Ordinal) && macros.TryGetValue(field[2..], out var whole)) return whole;
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
            if (macros.TryGetValue(name, out var v)) sb.Append(v);
            else sb.Append(field, open, close - open + 1);
            pos = close + 1;
            open = field.IndexOf("$(", pos, StringComparison.Ordinal);
        }
        sb.Append(field, pos, field.Length - pos);
        return sb.ToString();
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken ct = default)
    {
        if (argv.Count == 0 || string.IsNullOrEmpty(argv[0])) return StartFailed;
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        for (int i = 1; i < argv.Count; i++) psi.ArgumentList.Add(argv[i]);
        Process? p;
        try { p = Process.Start(psi); }
        catch (Exception) { return StartFailed; }
        if (p is null) return StartFailed;
        using (p)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                return p.ExitCode;
            }
            catch (OperationCanceledException)
            {
                try { p.Kill(entireProcessTree: true); } catch { }
                return StartFailed;
            }
        }
    }
}
