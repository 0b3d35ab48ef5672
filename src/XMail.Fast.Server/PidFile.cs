namespace XMail.Fast.Server;

/// <summary>
/// XMAIL_PID_DIR/XMail.pid (default /var/run), removed at exit, but only while it still holds this process's pid: a
/// second instance (another MailRoot) may have written its own since, and scripts stop a server by that file. A PID
/// dir that cannot be written is only a warning.
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly string? _path;
    private readonly string _content = Environment.ProcessId + "\n";

    private PidFile(string? path) => _path = path;

    public static PidFile Create()
    {
        var dir = Environment.GetEnvironmentVariable("XMAIL_PID_DIR") ?? "/var/run";
        var path = Path.Combine(dir, "XMail.pid");
        try
        {
            File.WriteAllText(path, Environment.ProcessId + "\n");
            return new PidFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"XMail: cannot write {path} ({ex.Message}); continuing without a pid file (set XMAIL_PID_DIR)");
            return new PidFile(null);
        }
    }

    public void Dispose()
    {
        if (_path is null) return;
        try
        {
            if (File.ReadAllText(_path) == _content) File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
