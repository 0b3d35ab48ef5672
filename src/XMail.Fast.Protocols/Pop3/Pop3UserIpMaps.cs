using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The accounts' own pop3.ipmap.tab files, each a snapshot like every other table (<see cref="TabSource{T}"/>: re-read
/// when the file changes, looked at once per half second at most) instead of a read from disk at every login. A
/// missing file allows every address. Bounded: a cache, not a registry.
/// </summary>
internal sealed class Pop3UserIpMaps
{
    public const string FileName = "pop3.ipmap.tab";
    private const int MaxAccounts = 100_000;

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, TabSource<IpMap>> _maps = new(StringComparer.Ordinal);

    public Pop3UserIpMaps(TimeProvider time, ILogger log)
    {
        _time = time;
        _log = log;
    }

    /// <summary>Whether the account in <paramref name="userDir"/> may log in from <paramref name="address"/>.</summary>
    public bool IsAllowed(string userDir, IPAddress address)
    {
        if (!_maps.TryGetValue(userDir, out var map))
        {
            if (_maps.Count >= MaxAccounts) _maps.Clear();
            map = _maps.GetOrAdd(userDir, static (dir, self) => new TabSource<IpMap>(Path.Combine(dir, FileName), self.Load, self._time, self._log), this);
        }
        return map.Current.IsAllowed(address);
    }

    private IpMap Load(string path) => File.Exists(path) ? IpMap.Load(path, _log) : IpMap.AllowAll;
}
