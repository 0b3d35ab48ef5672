using System.Runtime.InteropServices;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// fsync(2) for a file or a directory by path. .NET cannot open a directory as a stream, and a rename is only
/// durable once the directory that received the name is synced, so this goes to libc on Unix.
/// On Windows (NTFS journals metadata) directories need no sync and files use FlushFileBuffers.
/// </summary>
public static partial class FileSync
{
    private const int O_RDONLY = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);

    /// <summary>
    /// True when both paths are on one Linux file system (same st_dev), so one syncfs(2) covers both. st_dev is the
    /// first field of struct stat on every Linux ABI .NET runs on; anything unexpected answers false (the caller then
    /// syncs per file, which is always correct).
    /// </summary>
    public static bool SameFileSystem(string a, string b)
    {
        if (!CanSyncFileSystem) return false;
        try { return DeviceOf(a) is { } da && DeviceOf(b) is { } db && da == db; }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }

    private static unsafe ulong? DeviceOf(string path)
    {
        byte* buffer = stackalloc byte[512]; // larger than struct stat on any ABI
        return Stat(path, buffer) == 0 ? *(ulong*)buffer : null;
    }

    /// <summary>True where one syncfs(2) can make a whole batch durable (Linux).</summary>
    public static bool CanSyncFileSystem => OperatingSystem.IsLinux();

    /// <summary>
    /// syncfs(2) on the file system holding <paramref name="path"/>: every dirty file and directory of it reaches
    /// the disk in one journal commit and one device flush, however many files a batch has.
    /// </summary>
    public static void SyncFileSystem(string path)
    {
        int fd = Open(path, O_RDONLY);
        if (fd < 0) throw new IOException($"open {path} for syncfs failed (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (SyncFs(fd) != 0) throw new IOException($"syncfs {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>
    /// Renames a new file into a folder that may not exist yet (spool level folders and Maildir/new are made on
    /// first use, possibly by a concurrent writer at this very moment). rename(2) answers ENOENT both for a missing
    /// source and for a missing target folder; .NET tells them apart by looking at the folder afterwards, so when a
    /// concurrent writer makes the folder in between it reports "Could not find file 'source'" for a source that is
    /// there (a first-delivery race that once sent a message to rsnd/). Any ENOENT with the source still present is
    /// therefore retried once after making the folder. Returns the folder made here, or null.
    /// </summary>
    public static string? MoveIntoFolder(string source, string target)
    {
        try
        {
            Rename(source, target);
            return null;
        }
        catch (IOException ex) when (IsMissingFolder(ex))
        {
            if (!File.Exists(source)) throw;
            var dir = Path.GetDirectoryName(target)!;
            string? made = null;
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                made = dir;
            }
            Rename(source, target);
            return made;
        }
    }

    private static bool _noReplaceRename = OperatingSystem.IsLinux();
    private const int AtFdCwd = -100, RenameNoReplaceFlag = 1, ENOENT = 2, EEXIST = 17, EINVAL = 22, ENOSYS = 38;

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>
    /// Renames without replacing an existing target: renameat2(RENAME_NOREPLACE), one system call where File.Move
    /// checks both paths with three lstats first. Where the file system or libc lacks it, File.Move (from then on).
    /// ENOENT surfaces as FileNotFoundException, like File.Move's (see <see cref="IsMissingFolder"/>).
    /// </summary>
    private static void Rename(string source, string target)
    {
        if (Volatile.Read(ref _noReplaceRename))
        {
            try
            {
                if (RenameAt2(AtFdCwd, source, AtFdCwd, target, RenameNoReplaceFlag) == 0) return;
                int errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case ENOENT: throw new FileNotFoundException($"Could not find file '{source}'.", source);
                    case EEXIST: throw new IOException($"The file '{target}' already exists.");
                    case EINVAL or ENOSYS: Volatile.Write(ref _noReplaceRename, false); break;
                    default: throw new IOException($"rename {source} -> {target} failed (errno {errno})");
                }
            }
            catch (EntryPointNotFoundException) { Volatile.Write(ref _noReplaceRename, false); }
        }
        File.Move(source, target);
    }

    /// <summary>
    /// True for the exception a creating open(2) or a rename(2) gives when a folder on the path is missing. .NET
    /// reports ENOENT as DirectoryNotFoundException or FileNotFoundException depending on whether the folder exists
    /// when it looks afterwards, so a folder made by a concurrent writer in between turns it into "file not found"
    /// (seen under load: first deliveries into a new Maildir, first messages into a new spool level).
    /// </summary>
    public static bool IsMissingFolder(Exception ex) => ex is DirectoryNotFoundException or FileNotFoundException;

    /// <summary>How many fsyncs of one batch run at once.</summary>
    private const int SyncParallelism = 64;

    /// <summary>
    /// fsyncs a batch of files (or folders) concurrently. Every fsync on ext4 ends with a disk cache flush even when
    /// the journal is already committed; issued one after the other they cost a flush each, issued together the
    /// block layer merges them. Returns the error of each path (null = synced).
    /// </summary>
    public static Exception?[] SyncFiles(IReadOnlyList<string> paths)
    {
        var errors = new Exception?[paths.Count];
        void One(int i)
        {
            try { SyncFile(paths[i]); }
            catch (Exception ex) { errors[i] = ex; }
        }
        if (paths.Count == 1) One(0);
        else if (paths.Count > 1) Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = SyncParallelism }, One);
        return errors;
    }

    public static void SyncFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            fs.Flush(flushToDisk: true);
            return;
        }
        SyncPath(path);
    }

    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        SyncPath(path);
    }

    private static void SyncPath(string path)
    {
        int fd = Open(path, O_RDONLY);
        if (fd < 0) throw new IOException($"open {path} for fsync failed (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }
}
