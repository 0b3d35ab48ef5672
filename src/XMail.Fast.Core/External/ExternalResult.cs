namespace XMail.Fast.Core.External;

/// <summary>What became of one external program run.</summary>
/// <param name="Started">False when the program could not be started (missing, not executable).</param>
/// <param name="ExitCode">The exit code; <see cref="ExternalRunner.NoExitCode"/> when not started, killed, or not waited for (timeout 0).</param>
/// <param name="TimedOut">True when the program ran past its timeout and was killed.</param>
/// <param name="Error">Why it could not be started, or "timeout".</param>
/// <param name="RejectText">The first line of the run's .rej file (<see cref="ExternalRun.RejectFile"/>), trimmed, when it left one.</param>
/// <param name="Argv">The command line after macro substitution (program first), for logs.</param>
public sealed record ExternalResult(bool Started, int ExitCode, bool TimedOut, string? Error, string? RejectText, IReadOnlyList<string> Argv)
{
    /// <summary>Started, waited for, and exit code 0.</summary>
    public bool Succeeded => Started && !TimedOut && ExitCode == 0;

    /// <summary>Started and waited for to the end: its exit code means something.</summary>
    public bool Exited => Started && !TimedOut && ExitCode != ExternalRunner.NoExitCode;

    /// <summary>The -Qg filter log's result field.</summary>
    public string LogText => TimedOut ? "TIMEOUT" : Started ? ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NOT-STARTED";
}
