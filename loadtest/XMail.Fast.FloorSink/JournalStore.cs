using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace XMail.Fast.FloorSink;

/// <summary>
/// The cheapest durable design there is, for comparison only: every body is appended to one preallocated journal
/// file and one thread makes all of them durable with a shared fdatasync(2) (group commit). No file is created per
/// message and no name has to reach the disk. XMail's spool layout (one file per message in mess/) rules this out
/// for XMail.Fast; it shows how much of the cost is the file per message and how much the wait for the disk.
/// </summary>
internal sealed partial class JournalStore : IMessageStore
{
    private const long Size = 64L << 20; // wraps around: a floor measurement needs no checkpoints
    private readonly SafeFileHandle _journal;
    private readonly BlockingCollection<TaskCompletionSource> _waiting = new();
    private long _end;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(SafeFileHandle fd);

    public JournalStore(string folder)
    {
        Directory.CreateDirectory(folder);
        _journal = File.OpenHandle(Path.Combine(folder, "journal"), FileMode.CreateNew, FileAccess.ReadWrite);
        // Write every block once, so the commits below flush data only, never block allocations.
        var zeros = new byte[1 << 20];
        for (long offset = 0; offset < Size; offset += zeros.Length) RandomAccess.Write(_journal, zeros, offset);
        Flush();
        new Thread(Run) { IsBackground = true, Name = "journal-commit" }.Start();
    }

    public IStoredMessage Begin() => new Message(this);

    private void Flush()
    {
        if (FdataSync(_journal) != 0) throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
    }

    private void Run()
    {
        var batch = new List<TaskCompletionSource>(256);
        foreach (var first in _waiting.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (_waiting.TryTake(out var more)) batch.Add(more);
            try
            {
                Flush();
                foreach (var done in batch) done.TrySetResult();
            }
            catch (IOException ex)
            {
                foreach (var done in batch) done.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    public void Dispose()
    {
        _waiting.CompleteAdding();
        _journal.Dispose();
    }

    private sealed class Message(JournalStore store) : IStoredMessage
    {
        public void Write(ReadOnlySpan<byte> bytes)
        {
            long offset = (Interlocked.Add(ref store._end, bytes.Length) - bytes.Length) % (Size - bytes.Length);
            RandomAccess.Write(store._journal, bytes, offset);
        }

        public Task CommitAsync()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            store._waiting.Add(done);
            return done.Task;
        }

        public void Dispose() { }
    }
}
