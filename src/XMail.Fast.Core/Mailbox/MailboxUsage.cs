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
    private static readonly ConcurrentDictionary<string, (long Bytes, long At, long Scan)> Cache = new(StringComparer.Ordinal);
    private static long _scans;

    public static TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when adding <paramref name="messageBytes"/> keeps the mailbox within <paramref name="limitBytes"/>.</summary>
    public static bool Fits(string userDir, bool maildir, long messageBytes, long limitBytes)
    {
        bool known = Cache.TryGetValue(userDir, out var e);
        if (known && Environment.TickCount64 - e.At < MaxAge.TotalMilliseconds && e.Bytes + messageBytes <= limitBytes)
            return true;
        long seen = known ? e.Scan : 0;
        // One scan at a time per mailbox: concurrent deliveries to a big mailbox wait for it instead of each
        // listing the folder (a stat per stored message) at the same moment.
        lock (ScanLocks.GetOrAdd(userDir, _ => new object()))
        {
            // Scanned while this caller waited: that count is as fresh as one of its own.
            if (Cache.TryGetValue(userDir, out e) && e.Scan != seen) return e.Bytes + messageBytes <= limitBytes;
            long used = Scan(userDir, maildir);
            Cache[userDir] = (used, Environment.TickCount64, Interlocked.Increment(ref _scans));
            return used + messageBytes <= limitBytes;
        }
    }

    private static readonly ConcurrentDictionary<string, object> ScanLocks = new(StringComparer.Ordinal);

    /// <summary>Counts a message just stored.</summary>
    public static void Added(string userDir, long bytes) =>
        Cache.AddOrUpdate(userDir, _ => (0, 0, 0), (_, e) => (e.Bytes + bytes, e.At, e.Scan)); // an unknown mailbox stays "stale"

    private static long Scan(string userDir, bool maildir) => maildir
        ? LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "Maildir", "new")) + LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "Maildir", "cur"))
        : LocalMailboxDelivery.FolderBytes(Path.Combine(userDir, "mailbox"));
}
