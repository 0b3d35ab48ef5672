using System.Globalization;

namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// A file for XMail's LMAIL ("XMAIL LOCAL MAILER"): built in MAIL_ROOT/spool/temp, fsynced, then renamed
/// into MAIL_ROOT/spool/local as "stime-seqnr.pid.hostname" so LMAIL never sees half a file.
/// </summary>
public sealed class LocalMailDrop : IDisposable
{
    private readonly string _localDir;
    private readonly string _hostName;
    private readonly long _stime;
    private int _seq;
    private bool _moved;

    private LocalMailDrop(string localDir, string tempPath, FileStream stream, string hostName, long stime, int seq)
    {
        _localDir = localDir;
        TempPath = tempPath;
        Stream = stream;
        _hostName = hostName;
        _stime = stime;
        _seq = seq;
    }

    public string TempPath { get; }
    public FileStream Stream { get; }

    /// <summary>The spool/local path once <see cref="Commit"/> succeeded.</summary>
    public string? FinalPath { get; private set; }

    public static string FileName(long stime, int seq, int pid, string hostName) =>
        string.Create(CultureInfo.InvariantCulture, $"{stime}-{seq:D3}.{pid}.{hostName}");

    /// <summary>Claims a fresh name in spool/temp (CreateNew, so two senders never share a file).</summary>
    public static LocalMailDrop Create(string mailRoot, DateTimeOffset now, string hostName)
    {
        var tempDir = Path.Combine(mailRoot, "spool", "temp");
        var localDir = Path.Combine(mailRoot, "spool", "local");
        long stime = now.ToUnixTimeSeconds();
        int pid = Environment.ProcessId;
        for (int seq = 1; ; seq++)
        {
            var name = FileName(stime, seq, pid, hostName);
            var tempPath = Path.Combine(tempDir, name);
            if (File.Exists(Path.Combine(localDir, name))) continue;
            try
            {
                var fs = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
                return new LocalMailDrop(localDir, tempPath, fs, hostName, stime, seq);
            }
            catch (IOException) when (File.Exists(tempPath) && seq < 999) { }
        }
    }

    /// <summary>fsync, close, rename into spool/local (the next free sequence number if the name is taken there).</summary>
    public void Commit()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        int pid = Environment.ProcessId;
        while (true)
        {
            var target = Path.Combine(_localDir, FileName(_stime, _seq, pid, _hostName));
            try
            {
                File.Move(TempPath, target, overwrite: false);
                FinalPath = target;
                _moved = true;
                return;
            }
            catch (IOException) when (File.Exists(target) && _seq < 999)
            {
                _seq++;
            }
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_moved)
        {
            try { File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
