using System.Collections.Concurrent;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// user.tab variables per account for the mail paths (SMTP RCPT checks, delivery): parsed once, then re-read only
/// when the file's modification time or length changes, and that is looked at once per half second at most
/// (like every table: a hand edit takes effect within half a second). Writes made by this process (CTRL uservarsset,
/// useradd, cfgfileset) forget the entry at once. A missing file gives the empty set, as <see cref="UserVars.Load"/>
/// does. Callers must not modify the returned vars (CTRL, which edits them, uses <see cref="AccountStore.GetUserVars"/>).
/// A lookup between two looks at the file allocates nothing: entries are keyed by the record's own domain and folder
/// strings, and the path is built only when the file is looked at.
/// </summary>
public sealed class UserVarsCache
{
    private const long MaxAgeMs = 500;

    private readonly AccountStore _accounts;
    private readonly ConcurrentDictionary<(string Domain, string Dir), Entry> _entries = new();

    public UserVarsCache(AccountStore accounts) => _accounts = accounts;

    public UserVars Get(UserRecord user)
    {
        var key = (user.Domain, user.Dir);
        long now = Environment.TickCount64;
        _entries.TryGetValue(key, out var e);
        if (e is not null && now - e.CheckedAt < MaxAgeMs) return e.Vars;
        var stamp = Stamp(_accounts.UserTabPath(user));
        if (e is not null && e.Stamp == stamp)
        {
            e.CheckedAt = now;
            return e.Vars;
        }
        var vars = _accounts.GetUserVars(user);
        if (_entries.Count > 100_000) _entries.Clear(); // bounded: a cache, not a registry
        _entries[key] = new Entry(stamp, vars) { CheckedAt = now };
        return vars;
    }

    /// <summary>The account's user.tab was just written by this process.</summary>
    public void Forget(UserRecord user) => _entries.TryRemove((user.Domain, user.Dir), out _);

    /// <summary>Any user.tab may have changed (a CTRL file write, a reload).</summary>
    public void Clear() => _entries.Clear();

    private static (long Ticks, long Length) Stamp(string path)
    {
        var fi = new FileInfo(path);
        return fi.Exists ? (fi.LastWriteTimeUtc.Ticks, fi.Length) : (0L, -1L);
    }

    private sealed class Entry((long Ticks, long Length) stamp, UserVars vars)
    {
        public (long Ticks, long Length) Stamp { get; } = stamp;
        public UserVars Vars { get; } = vars;
        public long CheckedAt { get; set; }
    }
}
