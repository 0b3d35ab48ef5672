namespace XMail.Fast.Core.Spool;

/// <summary>
/// XMail's unique file names for spool and Maildir files: mstime.tid.pid.seq.hostname, e.g.
/// "1795535070265.7f554bfff6c0.41ba.115.vm" (ms since epoch, thread id hex, pid hex, sequence, short host name).
/// Unique per process via the sequence; across processes via the pid.
/// </summary>
public static class UniqueName
{
    private static long _seq;
    private static readonly string Pid = Environment.ProcessId.ToString("x");
    public static readonly string HostName = ShortHost();

    public static string Next(TimeProvider? time = null)
    {
        long ms = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        long seq = Interlocked.Increment(ref _seq);
        return $"{ms}.{Environment.CurrentManagedThreadId:x}.{Pid}.{seq}.{HostName}";
    }

    private static string ShortHost()
    {
        var h = Environment.MachineName;
        int dot = h.IndexOf('.');
        if (dot > 0) h = h[..dot];
        // A host name with '/' or ':' would break paths and Maildir flags.
        return string.Concat(h.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) is { Length: > 0 } s ? s : "localhost";
    }
}
