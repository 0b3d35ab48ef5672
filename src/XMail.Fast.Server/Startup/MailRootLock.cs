using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace XMail.Fast.Server.Startup;

/// <summary>
/// One process per MailRoot: an exclusive flock on MailRoot/.xmail.lock, taken before anything reads the spool and
/// held for the server's lifetime. The kernel drops it when the process ends however it ends, so a crash leaves no
/// stale lock; the file keeps the owner's pid only for the refusal message. flock locks belong to one open file, so
/// a second server in the same process is refused too.
/// </summary>
internal sealed partial class MailRootLock : IDisposable
{
    public const string FileName = ".xmail.lock";

    private readonly SafeFileHandle _handle;

    private MailRootLock(SafeFileHandle handle) => _handle = handle;

    public static MailRootLock Acquire(string mailRoot)
    {
        var path = Path.Combine(mailRoot, FileName);
        var handle = OperatingSystem.IsLinux() ? OpenAndLock(path) : OpenExclusive(path);
        var pid = Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
        try
        {
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
        }
        catch (IOException) { } // the lock is what matters; the pid is only for the message
        return new MailRootLock(handle);
    }

    public void Dispose() => _handle.Dispose(); // closing the file releases the flock; the file itself stays

    private const int LockExclusive = 2, LockNonBlocking = 4, ReadWrite = 2, Create = 0x40, CloseOnExec = 0x80000; // Linux
    private const int WouldBlock = 11; // EAGAIN/EWOULDBLOCK on Linux

    private static SafeFileHandle OpenAndLock(string path)
    {
        // Opened through libc, not File.OpenHandle: .NET takes its own (shared) flock on every file it opens, and then a
        // held lock would look like any other open failure. O_CLOEXEC: filters and other child programs must not
        // inherit the descriptor, or they would keep the MailRoot locked after the server is gone.
        int fd = Open(path, ReadWrite | Create | CloseOnExec, 0b110_100_100);
        if (fd < 0) throw CannotCreate(path, Marshal.GetLastPInvokeError());
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Flock(fd, LockExclusive | LockNonBlocking) == 0) return handle;
        int errno = Marshal.GetLastPInvokeError();
        handle.Dispose();
        if (errno == WouldBlock) throw InUse(path);
        throw new StartupFailure(ExitCodes.Failure, $"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static SafeFileHandle OpenExclusive(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException)
        {
            throw CannotCreate(path, 13);
        }
        catch (IOException)
        {
            throw InUse(path);
        }
    }

    private static StartupFailure InUse(string path)
    {
        var root = Path.GetDirectoryName(path)!;
        var owner = ReadOwnerPid(path) is { } pid ? "pid " + pid : "another process";
        return new StartupFailure(ExitCodes.MailRootInUse,
            $"MailRoot {root} in use by {owner} (lock {path}); stop that server first, or give this one its own MailRoot with -Ms");
    }

    private static StartupFailure CannotCreate(string path, int errno) =>
        new(ExitCodes.MailRootNotWritable,
            $"MailRoot {Path.GetDirectoryName(path)} is not writable: cannot create {path} ({Marshal.GetPInvokeErrorMessage(errno)}); " +
            $"make it writable by the user the server runs as ({CurrentUser.Describe()})");

    /// <summary>The owner's pid, read without taking a lock (File.ReadAllText would ask for a shared flock and fail).</summary>
    private static unsafe int? ReadOwnerPid(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int fd = Open(path, 0, 0);
        if (fd < 0) return null;
        Span<byte> buffer = stackalloc byte[32];
        nint n;
        fixed (byte* p = buffer) n = Read(fd, p, buffer.Length);
        Close(fd);
        return n > 0 && int.TryParse(Encoding.ASCII.GetString(buffer[..(int)n]).Trim(), out int pid) ? pid : null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
