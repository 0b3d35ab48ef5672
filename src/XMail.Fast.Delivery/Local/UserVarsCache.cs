using System.Collections.Concurrent;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Delivery.Local;

/// <summary>
/// user.tab variables per account for the delivery path: parsed once, then re-read only when the file's
/// modification time or length changes (one stat per lookup instead of open+read+parse per message). A missing
/// file gives the empty set, as <see cref="UserVars.Load"/> does. Callers must not modify the returned vars.
/// </summary>
public sealed class UserVarsCache
{
    private readonly MailServerContext _context;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public UserVarsCache(MailServerContext context) => _context = context;

    public UserVars Get(UserRecord user)
    {
        var path = _context.Accounts.UserTabPath(user);
        var fi = new FileInfo(path);
        var stamp = fi.Exists ? (fi.LastWriteTimeUtc.Ticks, fi.Length) : (0L, -1L);
        if (_entries.TryGetValue(path, out var e) && e.Stamp == stamp) return e.Vars;
        var vars = _context.Accounts.GetUserVars(user);
        if (_entries.Count > 100_000) _entries.Clear();
        _entries[path] = new Entry(stamp, vars);
        return vars;
    }

    private sealed record Entry((long Ticks, long Length) Stamp, UserVars Vars);
}
