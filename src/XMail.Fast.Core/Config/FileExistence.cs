using System.Collections.Concurrent;

namespace XMail.Fast.Core.Config;

/// <summary>
/// Whether an optional configuration file exists (mailproc.tab, custdomains/*.tab, cmdaliases/DOMAIN/USER.tab), asked
/// on every message, remembered for <see cref="MaxAge"/>: a stat per file per message becomes one per second. Files
/// changed through CTRL are forgotten at once (<see cref="Changed"/>); a hand-made file takes effect within MaxAge,
/// like a hand edit of any table.
/// </summary>
public static class FileExistence
{
    private static readonly ConcurrentDictionary<string, (bool Exists, long At)> Cache = new(StringComparer.Ordinal);

    public static TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(1);

    public static bool Exists(string path)
    {
        long now = Environment.TickCount64;
        if (Cache.TryGetValue(path, out var e) && now - e.At < MaxAge.TotalMilliseconds) return e.Exists;
        bool exists = File.Exists(path);
        if (Cache.Count > 100_000) Cache.Clear(); // bounded: a cache, not a registry
        Cache[path] = (exists, now);
        return exists;
    }

    /// <summary>The file was just created, rewritten or removed by this process.</summary>
    public static void Changed(string path) => Cache.TryRemove(path, out _);

    /// <summary>A whole folder tree was removed by this process (an account, a domain).</summary>
    public static void Clear() => Cache.Clear();
}
