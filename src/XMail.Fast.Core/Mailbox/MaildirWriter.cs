using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Maildir delivery: the file is written in Maildir/tmp, fsynced, then renamed into Maildir/new under a unique
/// name (<see cref="UniqueName"/>, the same form XMail 1.27 uses), and new/ is fsynced; the fsyncs are group-committed
/// by <see cref="MaildirCommitWriter"/>. Readers never see a partial file.
/// </summary>
public static class MaildirWriter
{
    /// <returns>The path of the new file in Maildir/new.</returns>
    /// <param name="name">The file name to use (chosen in advance by a caller that records it first), or null for a new one.</param>
    /// <param name="committer">Makes the file durable in new/ (default: <see cref="MaildirCommitWriter.Shared"/>).</param>
    public static async Task<string> WriteAsync(string maildir, Action<Stream> writeContent, TimeProvider? time = null, string? name = null,
        IDurableCommitter? committer = null)
    {
        var tmpDir = Path.Combine(maildir, "tmp");
        var newDir = Path.Combine(maildir, "new");
        name ??= UniqueName.Next(time);
        var tmp = Path.Combine(tmpDir, name);
        var final = Path.Combine(newDir, name);
        try
        {
            WriteUnsynced(tmp, writeContent);
        }
        catch (IOException ex) when (FileSync.IsMissingFolder(ex))
        {
            Ensure(maildir);
            WriteUnsynced(tmp, writeContent);
        }
        // fsync of the file, rename, fsync of new/: shared with the other deliveries in flight.
        await (committer ?? MaildirCommitWriter.Shared).CommitAsync(tmp, final).ConfigureAwait(false);
        return final;
    }

    public static void Ensure(string maildir)
    {
        Directory.CreateDirectory(Path.Combine(maildir, "tmp"));
        Directory.CreateDirectory(Path.Combine(maildir, "new"));
        Directory.CreateDirectory(Path.Combine(maildir, "cur"));
    }

    /// <summary>Writes a new file in one buffered pass; the caller makes it durable (see <see cref="MaildirCommitWriter"/>).</summary>
    internal static void WriteUnsynced(string path, Action<Stream> writeContent)
    {
        try
        {
            using var fs = OpenNew(path);
            writeContent(fs);
        }
        catch
        {
            try { File.Delete(path); } catch { }
            throw;
        }
    }

    /// <summary>
    /// Opens a new file exclusively. Not FileMode.Create: .NET truncates after opening, and on ext4 a truncate to zero
    /// makes close(2) start the file's write-back on its own (auto_da_alloc), one disk request per message instead of
    /// one shared flush. A derived name may meet the tmp file of a crashed pass: that leftover is replaced.
    /// Unbuffered: the content writer writes whole blocks.
    /// </summary>
    private static FileStream OpenNew(string path)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(path);
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        }
    }
}
