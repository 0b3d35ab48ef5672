using System.IO.Enumeration;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// The POP3 view of one account's mailbox, taken once at login (USER.TAB Pop3ScanCur; XMail 1.27's
/// UPopBuildMessageList): the files of Maildir/new (and Maildir/cur when scanning cur) or of the flat
/// "mailbox" folder, ordered by name so the numbering is stable and oldest-first (Maildir names start with the
/// delivery time in ms). Files whose name starts with '.' are not messages. Sizes are file sizes, as 1.27 reports.
/// </summary>
public sealed class Pop3Mailbox
{
    private Pop3Mailbox(string folder, Pop3MessageFile[] messages, long totalSize)
    {
        Folder = folder;
        Messages = messages;
        TotalSize = totalSize;
    }

    /// <summary>The Maildir or mailbox folder the relative paths are based on.</summary>
    public string Folder { get; }
    public IReadOnlyList<Pop3MessageFile> Messages { get; }
    public long TotalSize { get; }

    /// <summary>The mailbox folder of an account directory: "Maildir" or "mailbox" (-Mm switch / UseMaildir).</summary>
    public static string FolderOf(string userDirectory, bool maildir) =>
        Path.Combine(userDirectory, maildir ? "Maildir" : "mailbox");

    public static Pop3Mailbox Open(string userDirectory, bool maildir, bool scanCur)
    {
        string folder = FolderOf(userDirectory, maildir);
        var list = new List<Pop3MessageFile>();
        if (maildir)
        {
            Scan(folder, "new", list);
            if (scanCur) Scan(folder, "cur", list);
        }
        else Scan(folder, null, list);
        // Ordinal by UIDL (file name): stable across sessions, chronological for XMail-style names.
        list.Sort(static (a, b) => string.CompareOrdinal(a.Uidl, b.Uidl));
        long total = 0;
        foreach (var m in list) total += m.Size;
        return new Pop3Mailbox(folder, list.ToArray(), total);
    }

    public string FullPath(Pop3MessageFile message) => Path.Combine(Folder, message.RelativePath);

    /// <summary>Removes the given messages (POP3 QUIT in the UPDATE state). Returns how many were removed.</summary>
    public int Delete(IEnumerable<Pop3MessageFile> messages)
    {
        int n = 0;
        foreach (var m in messages)
        {
            try
            {
                File.Delete(FullPath(m));
                n++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return n;
    }

    private static void Scan(string folder, string? sub, List<Pop3MessageFile> into)
    {
        string dir = sub is null ? folder : Path.Combine(folder, sub);
        if (!Directory.Exists(dir)) return;
        var e = new FileSystemEnumerable<Pop3MessageFile>(dir,
            (ref FileSystemEntry f) =>
            {
                string name = f.FileName.ToString();
                return new Pop3MessageFile(sub is null ? name : sub + "/" + name, name, f.Length);
            },
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry f) => !f.IsDirectory && f.FileName.Length > 0 && f.FileName[0] != '.',
        };
        into.AddRange(e);
    }
}
