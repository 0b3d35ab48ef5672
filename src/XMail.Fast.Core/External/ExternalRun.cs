using XMail.Fast.Core.Logging;

namespace XMail.Fast.Core.External;

/// <summary>
/// One external program run as the caller describes it: the command as written (program and arguments, macros
/// not yet substituted), its macros, timeout and priority, and the files that belong to the run.
/// </summary>
/// <param name="Program">argv[0] as written; macros are substituted in it too, as XMail 1.27 does.</param>
public sealed record ExternalRun(string Program, IReadOnlyList<string> Arguments)
{
    public MacroSet? Macros { get; init; }

    /// <summary>Seconds to wait for the exit code; 0 = start it and do not wait ("nowait"). Killed (whole tree) after that.</summary>
    public int TimeoutSeconds { get; init; } = 90;

    /// <summary>-1 below normal, 0 normal, +1 above normal.</summary>
    public int Priority { get; init; }

    /// <summary>
    /// "$(FILE).rej" of a filter: removed before the run (a stale one must not speak for this run), its first line read
    /// after it (<see cref="ExternalResult.RejectText"/>), and removed again.
    /// </summary>
    public string? RejectFile { get; init; }

    /// <summary>Files the program writes for the caller (SMTPEXTAUTH's RFILE): removed after the exit rule has read them.</summary>
    public IReadOnlyList<string> TempFiles { get; init; } = [];

    /// <summary>Where -Qg logs this run (message filters), or null.</summary>
    public FilterLogEntry? FilterLog { get; init; }
}

/// <summary>A -Qg record of a filter run (logs/filters-*): time, sender, message id, program, command line, result.</summary>
public sealed record FilterLogEntry(ServiceLog Log, TimeProvider Time, string Sender, string MessageId)
{
    public void Write(ExternalResult result) =>
        Log.Write(ServiceLog.Timestamp(Time.GetLocalNow()), Sender, MessageId, result.Argv.Count > 0 ? result.Argv[0] : "",
            string.Join(' ', result.Argv.Skip(1)), result.LogText);
}
