namespace XMail.Fast.Core.Accounts;

/// <summary>
/// Size and message count of an account's mailbox, as XMail's UPopGetMailboxSize computes them: every file not
/// starting with '.' in Maildir/new and Maildir/cur, or in mailbox/ for the -Mm layout.
/// </summary>
public static class MailboxStats
{
    public static (long Bytes, long Messages) Compute(string userDirectory)
    {
        long bytes = 0, count = 0;
        var maildir = Path.Combine(userDirectory, "Maildir");
        IEnumerable<string> folders = Mailbox.MailboxLayout.UsesMaildir(userDirectory, serverDefaultMaildir: true)
            ? [Path.Combine(maildir, "new"), Path.Combine(maildir, "cur")]
            : [Path.Combine(userDirectory, "mailbox")];
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            {
                if (file.Name.StartsWith('.')) continue;
                try
                {
                    bytes += file.Length;
                    count++;
                }
                catch (FileNotFoundException) { } // taken by a POP3 session meanwhile
            }
        }
        return (bytes, count);
    }
}
