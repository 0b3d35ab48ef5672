namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// The mailbox file name of one delivery target of one spool message, derived rather than drawn: the spool name
/// (mstime.tid.pid.seq.host, unique per message) with its thread-id field replaced by a hash of the target key. The
/// name keeps XMail's shape, is unique per (message, target), and is the same in every pass over the message, so a
/// pass after a crash finds an earlier store by name and never stores a second copy.
/// </summary>
public static class MailboxFileName
{
    public static string For(string spoolName, string targetKey)
    {
        uint hash = Fnv1a(targetKey);
        int first = spoolName.IndexOf('.');
        int second = first < 0 ? -1 : spoolName.IndexOf('.', first + 1);
        if (second < 0) return spoolName + "." + hash.ToString("x8"); // not XMail's form (a hand-placed file): still unique
        return string.Concat(spoolName.AsSpan(0, first + 1), hash.ToString("x8"), spoolName.AsSpan(second));
    }

    /// <summary>FNV-1a over the key, case-insensitive like the done-state keys themselves.</summary>
    private static uint Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h ^= char.ToLowerInvariant(c);
            h *= 16777619;
        }
        return h;
    }
}
