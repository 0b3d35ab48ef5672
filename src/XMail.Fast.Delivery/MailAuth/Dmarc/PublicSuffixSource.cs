using Microsoft.Extensions.Logging;

namespace XMail.Fast.Delivery.MailAuth.Dmarc;

/// <summary>
/// The PSL file named by server.tab PublicSuffixList (default Debian's /usr/share/publicsuffix/public_suffix_list.dat,
/// kept current by apt), re-read when it changes (looked at once a minute at most). A missing or unreadable file
/// is logged once and the implicit "*" rule is used until it appears.
/// </summary>
public sealed class PublicSuffixSource
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private (string Path, DateTime Mtime, long Size, PublicSuffixList List, DateTimeOffset CheckedAt)? _current;

    public PublicSuffixSource(TimeProvider time, ILogger log)
    {
        _time = time;
        _log = log;
    }

    public PublicSuffixList Get(string path)
    {
        var now = _time.GetUtcNow();
        var cur = _current;
        if (cur is { } c && c.Path == path && now - c.CheckedAt < CheckEvery) return c.List;
        lock (_gate)
        {
            cur = _current;
            var info = new FileInfo(path);
            bool exists = info.Exists;
            if (cur is { } k && k.Path == path && exists && k.Mtime == info.LastWriteTimeUtc && k.Size == info.Length)
            {
                _current = k with { CheckedAt = now };
                return k.List;
            }
            PublicSuffixList list;
            try
            {
                list = exists ? PublicSuffixList.Load(path) : PublicSuffixList.Empty;
                if (!exists && (cur is null || cur.Value.Path != path || cur.Value.List != PublicSuffixList.Empty))
                    _log.LogWarning("Public Suffix List {Path} not found (apt-get install publicsuffix, or set PublicSuffixList): DMARC uses the last two labels as the organizational domain", path);
                else if (exists) _log.LogInformation("Public Suffix List {Path}: {Rules} rules", path, list.RuleCount);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Public Suffix List {Path}: {Error}; DMARC uses the last two labels as the organizational domain", path, ex.Message);
                list = PublicSuffixList.Empty;
            }
            _current = (path, exists ? info.LastWriteTimeUtc : default, exists ? info.Length : -1, list, now);
            return list;
        }
    }
}
