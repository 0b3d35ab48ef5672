using System.Collections.Concurrent;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Bytes stored in each account's mailbox, for the MaxMBSize check without listing the whole mailbox on every
/// delivery (a stat per stored message made delivery slow down as mailboxes grew). A count is rescanned when it is
/// older than <see cref="MaxAge"/>, and always before a message is refused: POP3 deletions only make the cached
/// count too high, so a rescan before refusing means a stale count never refuses mail.
/// </summary>
public static class MailboxUsage
{
    private static readonly ConcurrentDictionary<string, (long Bytes, long At)> Cache = new(StringComparer.Ordinal);

    public static TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when adding <paramref name="messageBytes"/> keeps the mailbox within <paramref name="limitBytes"/>.</summary>
    public static bool Fits(string userDir, bool maildir, long messageBytes, long limitBytes)
    {
        long now = Environment.TickCount64;
        if (Cache.TryGetValue(userDir, out var e) && now - e.At < MaxAge.TotalMilliseconds && e.Bytes + messageBytes <= limitBytes)
            return true;
        long used = Scan(userDir, maildir);
        Cache[userDir] = (used, now);
        return used + messageBytes <= limitBytes;
    }

    /// <summary>Counts a message just stored.</summary>
    public static void Added(string userDir, long bytes) =>
        Cache.AddOrUpdate(userDir, _ => (0, 0), (_, e) => (e.Bytes + bytes, e.At)); // an unknown mailbox stays "stale"

    private static long Scan(string userDir, bool maildir) => maildir
        ? LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "Maildir", "new")) + LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "Maildir", "cur"))
        : LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "mailbox"));
}
