using System.Globalization;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;

namespace XMail.Fast.Core.Spool;

/// <summary>A frozen message as CTRL "frozlist" shows it.</summary>
public sealed record FrozenEntry(SpoolRef Ref, string From, string To, DateTimeOffset LastTry, long Size, int Tries);

/// <summary>
/// Administration of spool/L0/L1/froz (CTRL froz* and etrn): listing, rescheduling, deleting frozen messages and
/// flushing rsnd/ early. Message names and levels come from the peer, so every lookup is validated
/// (<see cref="TryRef"/>): XMail 1.27 accepted "../" there, XMail.Fast does not.
/// </summary>
public sealed class FrozenQueue
{
    private const string PeekTimeTag = "[PeekTime]";
    private readonly SpoolLayout _spool;

    public FrozenQueue(SpoolLayout spool) => _spool = spool;

    /// <summary>
    /// Parses peer-supplied level numbers and a file name: plain non-negative numbers of an existing level pair
    /// and one safe file-name component not starting with '.'.
    /// </summary>
    public bool TryRef(string level0, string level1, string name, out SpoolRef result)
    {
        result = default;
        if (!TryLevel(level0, out int l0) || !TryLevel(level1, out int l1)) return false;
        if (!MailRoot.IsSafeName(name) || name.StartsWith('.')) return false;
        if (!Directory.Exists(Path.Combine(_spool.SpoolDir, l0.ToString(CultureInfo.InvariantCulture), l1.ToString(CultureInfo.InvariantCulture)))) return false;
        result = new SpoolRef(l0, l1, name);
        return true;
    }

    private static bool TryLevel(string text, out int level) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out level) && level < 100_000;

    public string MessagePath(SpoolRef r) => _spool.PathOf(r, "froz");
    public string LogPath(SpoolRef r) => _spool.PathOf(r, "slog");
    public bool Exists(SpoolRef r) => File.Exists(MessagePath(r));

    public IEnumerable<FrozenEntry> List()
    {
        foreach (var (l0, l1) in _spool.ExistingLevels().OrderBy(p => p.L0).ThenBy(p => p.L1))
        {
            var dir = _spool.Folder(l0, l1, "froz");
            if (!Directory.Exists(dir)) continue;
            foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
            {
                if (file.Name.StartsWith('.')) continue;
                var r = new SpoolRef(l0, l1, file.Name);
                SpoolHeader? header;
                try { header = SpoolHeader.ReadFile(file.FullName); }
                catch (IOException) { continue; } // removed meanwhile
                if (header is null) continue;
                var (tries, last) = ReadStats(LogPath(r));
                // No delivery attempt logged: show when the file was frozen rather than 1970 (XMail shows the epoch).
                var when = last ?? new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
                yield return new FrozenEntry(r, header.MailFrom, string.Join(",", header.Recipients), when, file.Length, tries);
            }
        }
    }

    /// <summary>Tries (the "[PeekTime] unixtime" entries of the slog file) and the time of the last one.</summary>
    public static (int Tries, DateTimeOffset? Last) ReadStats(string slogPath)
    {
        int tries = 0;
        DateTimeOffset? last = null;
        try
        {
            using var reader = new StreamReader(slogPath, Tab.TabFile.Bytes);
            while (reader.ReadLine() is { } line)
            {
                if (!line.StartsWith(PeekTimeTag, StringComparison.Ordinal)) continue;
                var rest = line.AsSpan(PeekTimeTag.Length).TrimStart(' ');
                int end = rest.IndexOfAnyExceptInRange('0', '9');
                if (end < 0) end = rest.Length;
                if (!long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out long secs)) continue;
                tries++;
                last = DateTimeOffset.FromUnixTimeSeconds(secs);
            }
        }
        catch (FileNotFoundException) { }
        catch (DirectoryNotFoundException) { }
        return (tries, last);
    }

    /// <summary>
    /// "frozsubmit": the slog is dropped (the retry count starts again, as XMail's QueInitMessageStats does) and the
    /// file moves back to mess/. The caller hands the returned ref to the SMAIL queue.
    /// </summary>
    public ErrorCode Submit(SpoolRef r)
    {
        var src = MessagePath(r);
        if (!File.Exists(src)) return ErrorCode.SpoolFileNotFound;
        var dst = _spool.PathOf(r, "mess");
        if (File.Exists(dst)) return ErrorCode.FileMove;
        TryDelete(LogPath(r));
        TryDelete(_spool.PathOf(r, "info"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Move(src, dst);
        }
        catch (IOException) { return File.Exists(src) ? ErrorCode.FileMove : ErrorCode.SpoolFileNotFound; }
        return ErrorCode.Success;
    }

    /// <summary>"frozdel": the message and every companion file (info, slog, temp, cust, mprc).</summary>
    public ErrorCode Delete(SpoolRef r)
    {
        var path = MessagePath(r);
        if (!File.Exists(path)) return ErrorCode.SpoolFileNotFound;
        TryDelete(path);
        foreach (var state in new[] { "info", "slog", "temp", "cust", "mprc" }) TryDelete(_spool.PathOf(r, state));
        return ErrorCode.Success;
    }

    /// <summary>
    /// "etrn": moves every rsnd/ message with a recipient matching <paramref name="addressPattern"/> (wildcards,
    /// case-insensitive) back to mess/ and returns them for the SMAIL queue. The slog is kept (tries go on counting).
    /// </summary>
    public List<SpoolRef> FlushResend(string addressPattern)
    {
        var moved = new List<SpoolRef>();
        foreach (var (l0, l1) in _spool.ExistingLevels())
        {
            var dir = _spool.Folder(l0, l1, "rsnd");
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.')) continue;
                SpoolHeader? header;
                try { header = SpoolHeader.ReadFile(file); }
                catch (IOException) { continue; }
                if (header is null || !header.Recipients.Any(a => Wildcard.IsMatch(addressPattern, a))) continue;
                var r = new SpoolRef(l0, l1, name);
                var dst = _spool.PathOf(r, "mess");
                try
                {
                    if (File.Exists(dst)) continue;
                    File.Move(file, dst);
                    moved.Add(r);
                }
                catch (IOException) { } // picked up by a worker meanwhile
            }
        }
        return moved;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
