using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// MailRoot/tabindex: opens the index of a TAB file, rebuilding it when the TAB file's length or mtime
/// differ from the ones the index was built from. A rebuild writes a temp file in the same folder, fsyncs
/// it and renames it over the old index, so no reader (in this process or another instance sharing the
/// MailRoot) ever maps a partial index; mappings of the old file stay valid (its inode lives on).
/// When the folder cannot be written the index is built in memory instead (same lookup code), logged once.
/// </summary>
public sealed class TabIndexFolder
{
    /// <summary>
    /// An index built less than this after its TAB file's mtime is not trusted on reopen: a same-length rewrite
    /// within one mtime granule (coarse kernel clock, 1-2 s filesystems) would otherwise look unchanged
    /// (the "racily clean" problem git's index has). Such an index is simply rebuilt.
    /// </summary>
    public static readonly TimeSpan MtimeGranule = TimeSpan.FromSeconds(2);

    private const int MaxBuildAttempts = 3;

    private readonly ILogger? _log;
    private int _memoryOnly;

    public TabIndexFolder(string directory, ILogger? log = null)
    {
        Directory = Path.GetFullPath(directory);
        _log = log;
    }

    public string Directory { get; }

    /// <summary>True once the folder proved unwritable: indexes are then built in memory.</summary>
    public bool MemoryOnly => Volatile.Read(ref _memoryOnly) != 0;

    public string IndexPathFor(TabIndexSchema schema) => Path.Combine(Directory, schema.Name + ".hidx");

    /// <summary>The current index of <paramref name="tabPath"/>: reused when still valid, rebuilt otherwise.</summary>
    public TabIndex Open(string tabPath, TabIndexSchema schema)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var tab = OpenTab(tabPath);
            var stamp = TabStamp.Of(tab);
            if (!MemoryOnly && TryReuse(tabPath, schema, stamp) is { } reused) return reused;
            var built = MemoryOnly ? BuildInMemory(tab, stamp, tabPath, schema) : BuildOnDisk(tab, stamp, tabPath, schema);
            // Rewritten in place while we read it: what we indexed may mix two versions, so read again.
            if (attempt < MaxBuildAttempts && tab is not null && TabStamp.Of(tab) != stamp) continue;
            return built;
        }
    }

    /// <summary>Builds an index that lives only in memory (no file), e.g. for a TAB file outside a MailRoot.</summary>
    public static TabIndex BuildInMemory(string tabPath, TabIndexSchema schema, ILogger? log = null)
    {
        using var tab = OpenTab(tabPath);
        return BuildInMemory(tab, TabStamp.Of(tab), tabPath, schema, log);
    }

    private TabIndex BuildInMemory(FileStream? tab, TabStamp stamp, string tabPath, TabIndexSchema schema) =>
        BuildInMemory(tab, stamp, tabPath, schema, _log);

    private static TabIndex BuildInMemory(FileStream? tab, TabStamp stamp, string tabPath, TabIndexSchema schema, ILogger? log)
    {
        var ms = new MemoryStream();
        var header = TabIndexBuilder.Build(tab, stamp, schema, ms, tabPath, log);
        return new TabIndex(IndexMemory.Copy(ms.GetBuffer().AsSpan(0, (int)ms.Length)), header, schema, tabPath, null);
    }

    private TabIndex BuildOnDisk(FileStream? tab, TabStamp stamp, string tabPath, TabIndexSchema schema)
    {
        var final = IndexPathFor(schema);
        var tmp = Path.Combine(Directory, "." + schema.Name + ".hidx." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        FileStream output;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            output = new FileStream(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref _memoryOnly, 1) == 0)
                _log?.LogWarning("{Dir}: not writable ({Error}); TAB indexes are kept in memory instead", Directory, ex.Message);
            tab?.Seek(0, SeekOrigin.Begin);
            return BuildInMemory(tab, stamp, tabPath, schema);
        }
        try
        {
            var header = TabIndexBuilder.Build(tab, stamp, schema, output, tabPath, _log);
            output.Flush(flushToDisk: true);
            // Map our own inode before publishing it: whatever replaces the final name later, this mapping stays whole.
            var memory = IndexMemory.Map(output);
            File.Move(tmp, final, overwrite: true);
            return new TabIndex(memory, header, schema, tabPath, final);
        }
        catch
        {
            output.Dispose();
            try { File.Delete(tmp); } catch { /* best effort */ }
            throw;
        }
    }

    private TabIndex? TryReuse(string tabPath, TabIndexSchema schema, TabStamp stamp)
    {
        var path = IndexPathFor(schema);
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        try
        {
            Span<byte> head = stackalloc byte[TabIndexHeader.Size];
            if (fs.Length < TabIndexHeader.Size || fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length ||
                !TabIndexHeader.TryRead(head, fs.Length, out var header) ||
                header.Fingerprint != schema.Fingerprint || header.TabLength != stamp.Length || header.TabMtimeTicks != stamp.MtimeTicks ||
                header.BuiltAtTicks - stamp.MtimeTicks < MtimeGranule.Ticks)
            {
                fs.Dispose();
                return null;
            }
            var memory = IndexMemory.Map(fs);
            if (header.SkippedLines > 0)
                _log?.LogWarning("{File}: {Count} bad lines are skipped (each was reported with its line number when {Index} was built)", tabPath, header.SkippedLines, path);
            return new TabIndex(memory, header, schema, tabPath, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fs.Dispose();
            return null;
        }
    }

    private static FileStream? OpenTab(string tabPath)
    {
        try
        {
            return new FileStream(tabPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
