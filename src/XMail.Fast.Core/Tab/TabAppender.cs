using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Tab;

/// <summary>What one append did: the file's identity (length, mtime) just before and just after it, and where the record starts.</summary>
public readonly record struct TabAppendResult(long LengthBefore, DateTime MtimeBefore, long LengthAfter, DateTime MtimeAfter, long RecordOffset);

/// <summary>
/// Durable O(1) record adds: the line is written at the end of the TAB file and fsynced (one fsync, no rewrite;
/// a caller that makes the file system durable itself right after may skip it).
/// A crash can only leave a torn last line, which the readers skip with a file:line warning; the next append
/// first ends such a line with LF so the new record never fuses with it. Callers serialize appends to one file.
/// </summary>
public static class TabAppender
{
    public static TabAppendResult AppendLine(string path, string rawLine, ILogger? log = null, bool flushToDisk = true)
    {
        using var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        var handle = fs.SafeFileHandle;
        long length = RandomAccess.GetLength(handle);
        var mtimeBefore = File.GetLastWriteTimeUtc(handle);
        bool torn = false;
        if (length > 0)
        {
            Span<byte> last = stackalloc byte[1];
            torn = RandomAccess.Read(handle, last, length - 1) == 1 && last[0] != (byte)'\n';
            if (torn) log?.LogWarning("{File}: last line has no line end (torn write?); it is ended before appending", path);
        }
        int extra = torn ? 1 : 0;
        var bytes = new byte[extra + TabFile.Bytes.GetByteCount(rawLine) + 1];
        if (torn) bytes[0] = (byte)'\n';
        TabFile.Bytes.GetBytes(rawLine, bytes.AsSpan(extra));
        bytes[^1] = (byte)'\n';
        RandomAccess.Write(handle, bytes, length);
        if (flushToDisk) fs.Flush(flushToDisk: true);
        return new TabAppendResult(length, mtimeBefore, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle), length + extra);
    }
}
