using System.Runtime.InteropServices;

namespace XMail.Fast.Server;

/// <summary>
/// "kill -INT `cat XMail.pid`" must stop the server however it was started. A script that starts a program with '&amp;'
/// (no job control: init scripts, our deploy/xmail) starts it with SIGINT ignored, and .NET leaves an inherited
/// ignored signal ignored: PosixSignalRegistration for it then never fires. XMail 1.27 installs its own handlers, so
/// SIGINT and SIGTERM get their default disposition back before the runtime sets up signal handling (first thing in
/// Main); the runtime then installs its handler for them. SIGHUP stays as nohup left it.
/// </summary>
internal static partial class ShutdownSignals
{
    private const int SigInt = 2, SigTerm = 15; // the same numbers on Linux, macOS and FreeBSD
    private static readonly nint SigDfl = 0;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    public static void RestoreDefaults()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())) return;
        Signal(SigInt, SigDfl);
        Signal(SigTerm, SigDfl);
    }
}
