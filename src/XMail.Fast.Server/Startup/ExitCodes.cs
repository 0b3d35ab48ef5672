namespace XMail.Fast.Server.Startup;

/// <summary>
/// The XMail executable's exit codes (README "Exit codes"). A start-up failure prints one line and exits with one of
/// these, never a stack trace: scripts can test for them and the systemd unit stops restarting on the ones that a
/// restart cannot fix (RestartPreventExitStatus).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>An unexpected error at start (one line; -Md adds the stack trace).</summary>
    public const int Failure = 1;
    /// <summary>A bad switch or argument, or --init without a password.</summary>
    public const int Usage = 2;
    /// <summary>The MailRoot does not exist or is not a MailRoot (no server.tab): XMail --init creates one.</summary>
    public const int NoMailRoot = 3;
    /// <summary>Another XMail holds the MailRoot's lock.</summary>
    public const int MailRootInUse = 4;
    /// <summary>The MailRoot (or a folder in it) cannot be written by this user.</summary>
    public const int MailRootNotWritable = 5;
    /// <summary>A listener cannot be opened: port in use, out of range, address not on this host, no permission.</summary>
    public const int CannotListen = 6;
    /// <summary>server.cert or server.key exists but cannot be read or used.</summary>
    public const int BadCertificate = 7;
    /// <summary>A second SIGINT/SIGTERM during the graceful stop (128 + SIGINT, as shells report it).</summary>
    public const int SecondSignal = 130;
}
