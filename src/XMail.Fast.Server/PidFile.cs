namespace XMail.Fast.Server;

/// <summary>XMAIL_PID_DIR/XMail.pid (default /var/run), removed at exit; a PID dir that cannot be written is only a warning.</summary>
internal sealed class PidFile : IDisposable
{
    private readonly string? _path;

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
            Console.Error.WriteLine($"XMail: cannot write {path} ({ex.Message}); continuing without a pid file");
            return new PidFile(null);
        }
    }

    public void Dispose()
    {
        if (_path is null) return;
        try { File.Delete(_path); } catch { }
    }
}
