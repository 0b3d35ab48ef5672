using System.Collections.Concurrent;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// user.tab variables per account for the mail paths (SMTP RCPT checks, delivery): parsed once, then re-read only
/// when the file's modification time or length changes (one stat per lookup instead of open+read+parse per message).
/// A missing file gives the empty set, as <see cref="UserVars.Load"/> does. Callers must not modify the returned vars
/// (CTRL, which edits them, uses <see cref="AccountStore.GetUserVars"/>).
/// </summary>
public sealed class UserVarsCache
{
    private readonly AccountStore _accounts;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public UserVarsCache(AccountStore accounts) => _accounts = accounts;

    public UserVars Get(UserRecord user)
    {
        var path = _accounts.UserTabPath(user);
        var fi = new FileInfo(path);
        var stamp = fi.Exists ? (fi.LastWriteTimeUtc.Ticks, fi.Length) : (0L, -1L);
        if (_entries.TryGetValue(path, out var e) && e.Stamp == stamp) return e.Vars;
        var vars = _accounts.GetUserVars(user);
        if (_entries.Count > 100_000) _entries.Clear(); // bounded: a cache, not a registry
        _entries[path] = new Entry(stamp, vars);
        return vars;
    }

    private sealed record Entry((long Ticks, long Length) Stamp, UserVars Vars);
}
