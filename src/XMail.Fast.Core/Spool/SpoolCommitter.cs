using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// Group commit for spool files. Sessions hand in closed temp files; one commit thread takes everything that is
/// pending, fsyncs each file, renames each into its mess/ folder, fsyncs each touched folder once, and only then
/// completes the sessions' tasks. On ext4 the first fsync of a batch commits the journal for all of them, so N
/// concurrent messages cost about one disk flush instead of N: durability without capping throughput.
/// </summary>
public sealed class SpoolCommitter : IDisposable
{
    private readonly BlockingCollection<Pending> _pending = new(new ConcurrentQueue<Pending>());
    private readonly Thread _thread;
    private readonly ILogger? _log;
    private long _batches, _files;

    public SpoolCommitter(ILogger? log = null)
    {
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "spool-commit" };
        _thread.Start();
    }

    /// <summary>Commits so far: number of batches and of files (files/batches = the fsync sharing achieved).</summary>
    public (long Batches, long Files) Stats => (Interlocked.Read(ref _batches), Interlocked.Read(ref _files));

    /// <summary>Makes <paramref name="tempPath"/> durable under <paramref name="finalPath"/>; completes once it is.</summary>
    public Task CommitAsync(string tempPath, string finalPath)
    {
        var p = new Pending(tempPath, finalPath, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try { _pending.Add(p); }
        catch (InvalidOperationException) { return Task.FromException(new ObjectDisposedException(nameof(SpoolCommitter))); }
        return p.Done.Task;
    }

    private void Run()
    {
        var batch = new List<Pending>(256);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var first in _pending.GetConsumingEnumerable())
            {
                batch.Add(first);
                while (batch.Count < 1024 && _pending.TryTake(out var more)) batch.Add(more);
                CommitBatch(batch, dirs);
                batch.Clear();
                dirs.Clear();
            }
        }
        catch (ObjectDisposedException) { }
    }

    private void CommitBatch(List<Pending> batch, HashSet<string> dirs)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _files, batch.Count);
        foreach (var p in batch)
        {
            try
            {
                FileSync.SyncFile(p.TempPath);
                try { File.Move(p.TempPath, p.FinalPath); }
                catch (DirectoryNotFoundException)
                {
                    // Level folders are created on first use (a fresh MailRoot has only spool/).
                    var dir = Path.GetDirectoryName(p.FinalPath)!;
                    Directory.CreateDirectory(dir);
                    File.Move(p.TempPath, p.FinalPath);
                    dirs.Add(Path.GetDirectoryName(dir)!);
                }
                p.Moved = true;
                dirs.Add(Path.GetDirectoryName(p.FinalPath)!);
            }
            catch (Exception ex)
            {
                p.Error = ex;
            }
        }
        Exception? dirError = null;
        foreach (var d in dirs)
        {
            try { FileSync.SyncDirectory(d); }
            catch (Exception ex) { dirError = ex; _log?.LogError("spool: directory sync of {Dir} failed: {Error}", d, ex.Message); }
        }
        foreach (var p in batch)
        {
            if (p.Error is null && dirError is null) p.Done.TrySetResult();
            else
            {
                // Not durable: take the file back out of mess/ so the sender's retry does not make a duplicate.
                if (p.Moved) TryDelete(p.FinalPath);
                else TryDelete(p.TempPath);
                p.Done.TrySetException(p.Error ?? dirError!);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch { /* best effort */ }
    }

    public void Dispose()
    {
        _pending.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    private sealed class Pending(string tempPath, string finalPath, TaskCompletionSource done)
    {
        public string TempPath { get; } = tempPath;
        public string FinalPath { get; } = finalPath;
        public TaskCompletionSource Done { get; } = done;
        public bool Moved { get; set; }
        public Exception? Error { get; set; }
    }
}
