using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Maildir delivery: the file is written in Maildir/tmp, fsynced, then renamed into Maildir/new under a unique
/// name (<see cref="UniqueName"/>, the same form XMail 1.27 uses). Readers never see a partial file.
/// </summary>
public static class MaildirWriter
{
    /// <returns>The path of the new file in Maildir/new.</returns>
    public static string Write(string maildir, Action<Stream> writeContent, TimeProvider? time = null)
    {
        var tmpDir = Path.Combine(maildir, "tmp");
        var newDir = Path.Combine(maildir, "new");
        var name = UniqueName.Next(time);
        var tmp = Path.Combine(tmpDir, name);
        var final = Path.Combine(newDir, name);
        try
        {
            WriteDurable(tmp, writeContent);
        }
        catch (DirectoryNotFoundException)
        {
            Ensure(maildir);
            WriteDurable(tmp, writeContent);
        }
        File.Move(tmp, final);
        return final;
    }

    public static void Ensure(string maildir)
    {
        Directory.CreateDirectory(Path.Combine(maildir, "tmp"));
        Directory.CreateDirectory(Path.Combine(maildir, "new"));
        Directory.CreateDirectory(Path.Combine(maildir, "cur"));
    }

    internal static void WriteDurable(string path, Action<Stream> writeContent)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
            writeContent(fs);
            fs.Flush(flushToDisk: true);
        }
        catch
        {
            try { File.Delete(path); } catch { }
            throw;
        }
    }
}
