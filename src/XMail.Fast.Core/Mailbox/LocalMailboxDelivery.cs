using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Stores one message in a local account: Maildir when the account has a Maildir folder (or none exists and the
/// server runs with -MM), else the mailbox/ folder; enforces MaxMBSize (KB, 0 = unlimited) against the bytes
/// already stored in new/ and cur/ (or mailbox/).
/// </summary>
public static class LocalMailboxDelivery
{
    /// <returns>Success and the stored file, or MailboxSize (over MaxMBSize) and null.</returns>
    public static async Task<(ErrorCode Code, string? StoredPath)> DeliverAsync(string userDir, bool useMaildirByDefault, long maxMBSizeKb, long messageBytes,
        string returnPath, string deliveredTo, Func<Stream> openMessage, TimeProvider? time, string? name = null, IDurableCommitter? committer = null)
    {
        var maildir = Path.Combine(userDir, "Maildir");
        var mailbox = Path.Combine(userDir, "mailbox");
        bool useMaildir = MailboxLayout.UsesMaildir(userDir, useMaildirByDefault);

        if (maxMBSizeKb > 0 && !MailboxUsage.Fits(userDir, useMaildir, messageBytes, maxMBSizeKb * 1024)) return (ErrorCode.MailboxSize, null);

        void Content(Stream output)
        {
            using var message = openMessage();
            DeliveredMessageWriter.Write(output, returnPath, deliveredTo, message);
        }

        var storedPath = useMaildir
            ? await MaildirWriter.WriteAsync(maildir, Content, time, name, committer).ConfigureAwait(false)
            : await MailboxFolderWriter.WriteAsync(mailbox, Content, time, name, committer).ConfigureAwait(false);
        if (maxMBSizeKb > 0) MailboxUsage.Added(userDir, messageBytes);
        return (ErrorCode.Success, storedPath);
    }

    /// <summary>
    /// Whether a message stored under <paramref name="name"/> (a name chosen before delivering, see the
    /// <c>name</c> argument of <see cref="Deliver"/>) is in the account: Maildir/new, Maildir/cur (a reader may
    /// have moved it there with ":2,flags"), or mailbox/. Lets a restarted delivery tell "done" from "never happened".
    /// </summary>
    public static bool IsStored(string userDir, string name)
    {
        var maildir = Path.Combine(userDir, "Maildir");
        if (File.Exists(Path.Combine(maildir, "new", name)) || File.Exists(Path.Combine(userDir, "mailbox", name))) return true;
        var cur = Path.Combine(maildir, "cur");
        return Directory.Exists(cur) && (File.Exists(Path.Combine(cur, name)) || Directory.EnumerateFiles(cur, name + ":*").Any());
    }

    /// <summary>Total size of the message files of one folder (dot-files being written are not counted).</summary>
    public static long FolderBytes(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        long total = 0;
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles())
            if (!f.Name.StartsWith('.')) total += f.Length;
        return total;
    }
}
