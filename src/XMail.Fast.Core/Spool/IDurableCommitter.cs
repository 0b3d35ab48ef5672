namespace XMail.Fast.Core.Spool;

/// <summary>
/// Makes a closed, written file durable under its final name (file data, then the rename, then the folder entry),
/// completing only once all three are on disk. Implemented by the MailRoot's <see cref="SpoolCommitter"/> (one syncfs
/// per cycle for everything pending on the file system) and by <see cref="Mailbox.MaildirCommitWriter"/> (fsync per
/// file and folder, for a mailbox on another file system).
/// </summary>
public interface IDurableCommitter
{
    Task CommitAsync(string tempPath, string finalPath);
}
