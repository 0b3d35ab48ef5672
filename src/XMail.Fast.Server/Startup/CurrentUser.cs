using System.Runtime.InteropServices;

namespace XMail.Fast.Server.Startup;

/// <summary>"uid 10001 (xmail)" for messages that ask the administrator to fix an owner or a mode.</summary>
internal static partial class CurrentUser
{
    public static string Describe()
    {
        if (OperatingSystem.IsWindows()) return Environment.UserName;
        return $"uid {GetUid()} ({Environment.UserName})";
    }

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
