using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Config;

/// <summary>
/// An immutable view of one file, rebuilt when the file changes on disk (size or mtime), including a hand
/// edit while the server runs. Readers get the current snapshot without locks; the disk is checked at most
/// once per <see cref="CheckInterval"/>; writers in this process call <see cref="Invalidate"/>.
/// </summary>
public sealed class TabSource<T> where T : class
{
    private readonly string _path;
    private readonly Func<string, T> _build;
    private readonly TimeProvider _time;
    private readonly ILogger? _log;
    private readonly object _gate = new();
    private T? _value;
    private (long Length, DateTime Mtime, bool Exists) _stamp;
    private long _nextCheck;

    public TabSource(string path, Func<string, T> build, TimeProvider? time = null, ILogger? log = null)
    {
        _path = path;
        _build = build;
        _time = time ?? TimeProvider.System;
        _log = log;
    }

    public static TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public string Path => _path;

    public T Current
    {
        get
        {
            var v = Volatile.Read(ref _value);
            long now = _time.GetTimestamp();
            if (v is not null && now < Volatile.Read(ref _nextCheck)) return v;
            lock (_gate)
            {
                var stamp = Stamp();
                if (_value is null || stamp != _stamp)
                {
                    try
                    {
                        _value = _build(_path);
                        _stamp = stamp;
                    }
                    catch (Exception ex) when (_value is not null)
                    {
                        _log?.LogError(ex, "{File}: reload failed, keeping the previous contents", _path);
                    }
                }
                Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency));
                return _value!;
            }
        }
    }

    /// <summary>Forces a re-read at the next access (called after this process rewrote the file).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _value = null;
            Volatile.Write(ref _nextCheck, 0);
        }
    }

    private (long, DateTime, bool) Stamp()
    {
        var fi = new FileInfo(_path);
        return fi.Exists ? (fi.Length, fi.LastWriteTimeUtc, true) : (0, default, false);
    }
}
