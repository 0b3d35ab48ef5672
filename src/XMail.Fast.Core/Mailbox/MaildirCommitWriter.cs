using System.Collections.Concurrent;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Group commit for local deliveries (Maildir tmp → new, mailbox dot-file → name) to a file system other than the
/// spool's; on the spool's, the MailRoot's <see cref="SpoolCommitter"/> serves them with its syncfs cycle. Delivery
/// threads hand in closed, not yet synced files; one commit thread takes everything pending, fsyncs the files concurrently
/// (<see cref="FileSync.SyncFiles"/>), renames each into place, fsyncs each touched folder once, and only then
/// releases the callers. Concurrent deliveries (SMAIL workers, list members) share one or two disk flushes instead of
/// one each, and a caller still returns only when its file is durable under its final name.
/// </summary>
public sealed class MaildirCommitWriter : IDurableCommitter
{
    private static readonly Lazy<MaildirCommitWriter> SharedInstance = new(() => new MaildirCommitWriter());
    private readonly BlockingCollection<Pending> _pending = new(new ConcurrentQueue<Pending>());

    private MaildirCommitWriter()
    {
        new Thread(Run) { IsBackground = true, Name = "maildir-commit" }.Start();
    }

    public static MaildirCommitWriter Shared => SharedInstance.Value;

    /// <summary>
    /// Makes <paramref name="tempPath"/> durable under <paramref name="finalPath"/>; completes when it is. The caller
    /// waits without holding a thread, so a pool of workers needs no thread per delivery in flight.
    /// </summary>
    public async Task CommitAsync(string tempPath, string finalPath)
    {
        var p = new Pending(tempPath, finalPath);
        _pending.Add(p);
        await p.Done.Task.ConfigureAwait(false);
        if (p.Error is { } error) throw new IOException("local delivery commit failed: " + error.Message, error);
    }

    private void Run()
    {
        var batch = new List<Pending>(256);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var first in _pending.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < 1024 && _pending.TryTake(out var more)) batch.Add(more);
            try { CommitBatch(batch, dirs); }
            catch (Exception ex)
            {
                foreach (var p in batch) p.Error ??= ex;
            }
            foreach (var p in batch) p.Done.TrySetResult();
            batch.Clear();
            dirs.Clear();
        }
    }

    private static void CommitBatch(List<Pending> batch, HashSet<string> dirs)
    {
        var syncErrors = FileSync.SyncFiles(batch.ConvertAll(p => p.TempPath));
        for (int i = 0; i < batch.Count; i++)
        {
            var p = batch[i];
            try
            {
                if (syncErrors[i] is { } e) throw e;
                if (FileSync.MoveIntoFolder(p.TempPath, p.FinalPath) is { } made) dirs.Add(Path.GetDirectoryName(made)!);
                p.Moved = true;
                dirs.Add(Path.GetDirectoryName(p.FinalPath)!);
            }
            catch (Exception ex) { p.Error = ex; }
        }
        // Folders too: a list fan-out touches one new/ per member.
        var dirList = dirs.ToList();
        var dirErrors = OperatingSystem.IsWindows() ? [] : FileSync.SyncFiles(dirList);
        var dirError = dirErrors.FirstOrDefault(e => e is not null);
        foreach (var p in batch)
        {
            if (p.Error is null && dirError is null) continue;
            p.Error ??= dirError;
            // Not durable: take the file back out so the retry does not leave a duplicate.
            try { File.Delete(p.Moved ? p.FinalPath : p.TempPath); } catch { /* best effort */ }
        }
    }

    private sealed class Pending(string tempPath, string finalPath)
    {
        public string TempPath { get; } = tempPath;
        public string FinalPath { get; } = finalPath;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Moved { get; set; }
        public Exception? Error { get; set; }
    }
}
