namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// SmtpMinDiskSpace: is the free space of the MailRoot file system below the configured minimum? The statvfs
/// behind <see cref="DriveInfo.AvailableFreeSpace"/> runs at most once per <see cref="RefreshInterval"/> however
/// many sessions ask, so a busy server pays no syscall per command. One instance per listener, shared by sessions.
/// </summary>
internal sealed class DiskSpaceGuard
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private readonly DriveInfo? _drive;
    private readonly TimeProvider _time;
    private long _measuredAt;
    private long _freeBytes = long.MaxValue;
    private bool _measured;

    public DiskSpaceGuard(string path, TimeProvider time)
    {
        _time = time;
        // On Unix DriveInfo takes any path on the file system and asks statvfs about it.
        try { _drive = new DriveInfo(Path.GetFullPath(path)); }
        catch (ArgumentException) { _drive = null; }
    }

    /// <summary>Free bytes as last measured (long.MaxValue when the file system cannot be asked).</summary>
    public long FreeBytes
    {
        get
        {
            long now = _time.GetTimestamp();
            if (!_measured || _time.GetElapsedTime(Volatile.Read(ref _measuredAt), now) >= RefreshInterval)
            {
                long free = long.MaxValue;
                try { if (_drive is not null) free = _drive.AvailableFreeSpace; }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* not measurable: do not block mail */ }
                Volatile.Write(ref _freeBytes, free);
                Volatile.Write(ref _measuredAt, now);
                _measured = true;
            }
            return Volatile.Read(ref _freeBytes);
        }
    }

    /// <summary>True when <paramref name="minKb"/> &gt; 0 and less than that many KB are free.</summary>
    public bool IsBelow(long minKb) => minKb > 0 && FreeBytes / 1024 < minKb;
}
