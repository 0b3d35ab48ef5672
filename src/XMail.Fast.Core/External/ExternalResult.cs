namespace XMail.Fast.Core.External;

/// <summary>What became of one external program run.</summary>
/// <param name="Started">False when the program could not be started (missing, not executable).</param>
/// <param name="ExitCode">The exit code; 0 for a "nowait" run (timeout 0), -1 when not started or killed.</param>
/// <param name="TimedOut">True when the program ran past its timeout and was killed.</param>
public readonly record struct ExternalResult(bool Started, int ExitCode, bool TimedOut, string? Error)
{
    public bool Succeeded => Started && !TimedOut && ExitCode == 0;
}
