using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Config;

/// <summary>
/// An immutable view of one file, rebuilt when the file changes on disk (size or mtime), including a hand
/// edit while the server runs. Readers get the current snapshot without locks; the disk is checked at most
/// once per <see cref="CheckInterval"/>; a changed file is re-read in the background while the old snapshot keeps
/// serving; writers in this process call <see cref="Invalidate"/> and see their change at the next access.
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
            if (v is not null)
            {
                // Somebody else is checking or rebuilding: keep serving the snapshot we have.
                if (!Monitor.TryEnter(_gate)) return v;
                try
                {
                    Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency));
                    var stamp = Stamp();
                    // A hand edit: rebuild in the background; lookups use the old snapshot until the new one is ready
                    // (an edit of a million-line table must not stall mail for the rebuild).
                    if (_value is not null && stamp != _stamp && !_rebuilding)
                    {
                        _rebuilding = true;
                        long version = _version;
                        _ = Task.Run(() => RebuildInBackground(stamp, version));
                    }
                    return _value ?? v;
                }
                finally { Monitor.Exit(_gate); }
            }
            lock (_gate)
            {
                // First use, or our own write invalidated it: build now so the writer's change is visible at once.
                if (_value is null)
                {
                    var stamp = Stamp();
                    _value = _build(_path);
                    _stamp = stamp;
                    Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency));
                }
                return _value;
            }
        }
    }

    private bool _rebuilding;
    private long _version; // bumped by every Publish/Invalidate: a background build started before one is stale

    private void RebuildInBackground((long, DateTime, bool) stamp, long version)
    {
        try
        {
            var fresh = _build(_path);
            lock (_gate)
            {
                // An Invalidate meanwhile means our own write is newer than this build: let the next read build again.
                if (_value is not null && _version == version)
                {
                    _value = fresh;
                    _stamp = stamp;
                }
            }
        }
        catch (Exception ex)
        {
            _log?.LogError(ex, "{File}: reload failed, keeping the previous contents", _path);
        }
        finally
        {
            lock (_gate) _rebuilding = false;
        }
    }

    /// <summary>
    /// Installs a snapshot this process derived from the current one after changing the file itself (an append),
    /// so its own write does not cost a full reload. Accepted only when the file was at <paramref name="before"/>
    /// (the stamp the current snapshot was read at) right before the change: otherwise someone else edited it
    /// too, and the next access reloads it from disk.
    /// </summary>
    public void Publish(T value, (long Length, DateTime Mtime) before, (long Length, DateTime Mtime) after)
    {
        lock (_gate)
        {
            _version++;
            if (_value is not null && _stamp.Exists && _stamp.Length == before.Length && _stamp.Mtime == before.Mtime)
            {
                _value = value;
                _stamp = (after.Length, after.Mtime, true);
            }
            else
            {
                _value = null;
                Volatile.Write(ref _nextCheck, 0);
            }
        }
    }

    /// <summary>Forces a re-read at the next access (called after this process rewrote the file).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _version++;
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
