namespace XMail.Fast.Delivery.Filters;

/// <summary>
/// A filter's exit code read as "MESSAGE FILTERS" defines it: 4 reject (no notification, not frozen), 5 reject (no
/// notification), 6 reject with notification, 7 message modified; +16 stops the filter list.
/// </summary>
public readonly record struct FilterVerdict(bool Reject, bool Notify, bool Freeze, bool Modified, bool Stop, string? RejectText)
{
    public static readonly FilterVerdict Pass = default;

    /// <summary>The exit rule of message filters: a run without an exit code (not started, killed, not waited for) passes.</summary>
    public static FilterVerdict FromRun(Core.External.ExternalResult run) =>
        run.Exited ? FromExitCode(run.ExitCode, run.RejectText) : Pass;

    public static FilterVerdict FromExitCode(int exitCode, string? rejectText)
    {
        if (exitCode < 0) return Pass;
        bool stop = (exitCode & 16) != 0;
        int rc = exitCode & ~16;
        return rc switch
        {
            4 => new FilterVerdict(true, false, false, false, stop, rejectText),
            5 => new FilterVerdict(true, false, true, false, stop, rejectText),
            6 => new FilterVerdict(true, true, true, false, stop, rejectText),
            7 => new FilterVerdict(false, false, false, true, stop, null),
            _ => new FilterVerdict(false, false, false, false, stop, null),
        };
    }
}
