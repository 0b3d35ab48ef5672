using System.Collections.Concurrent;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// One POP3 session per mailbox (XMail 1.27's UsrPOP3Lock): a lock file MailRoot/pop3locks/name@domain held open
/// with an exclusive OS lock for the whole session. The OS lock dies with the process, so a crash leaves no stale
/// lock, and it also excludes other XMail.Fast processes sharing the MailRoot. The file itself is left in place:
/// deleting it on release would let a racing opener lock an unlinked inode.
/// </summary>
public sealed class Pop3MailboxLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, byte> Held = new(StringComparer.OrdinalIgnoreCase);
    private readonly FileStream _file;
    private readonly string _key;
    private int _disposed;

    private Pop3MailboxLock(FileStream file, string key)
    {
        _file = file;
        _key = key;
    }

    public static string PathOf(string locksDir, string domain, string name) =>
        Path.Combine(locksDir, name.ToLowerInvariant() + "@" + domain.ToLowerInvariant());

    /// <summary>Takes the lock, or returns null when another session holds it.</summary>
    public static Pop3MailboxLock? TryAcquire(string locksDir, string domain, string name)
    {
        string path = PathOf(locksDir, domain, name);
        // In-process guard first: cheap, and exact even where the OS lock is per process.
        if (!Held.TryAdd(path, 0)) return null;
        try
        {
            Directory.CreateDirectory(locksDir);
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new Pop3MailboxLock(fs, path);
        }
        catch (IOException)
        {
            Held.TryRemove(path, out _);
            return null;
        }
        catch
        {
            Held.TryRemove(path, out _);
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _file.Dispose();
        Held.TryRemove(_key, out _);
    }
}
