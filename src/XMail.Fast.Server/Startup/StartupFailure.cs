namespace XMail.Fast.Server.Startup;

/// <summary>
/// Why the server cannot start, as one line for the administrator (the cause, the switch or file, the fix) and the
/// exit code that goes with it. Thrown by start-up code and by <see cref="XMailServer.StartAsync"/>; Program prints
/// the message and exits, tests catch it.
/// </summary>
public sealed class StartupFailure(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
