using System.Text;

namespace XMail.Fast.Core.Logging;

/// <summary>
/// One XMail-format service log (MailRoot/logs/smtp-YYYYMMDDHHMM, pop3-..., ctrl-..., smail-..., lmail-...,
/// psync-..., finger-..., filters-...): one record per line, TAB-separated double-quoted fields, the file
/// rotated every -Mr hours (the name carries the start of its period). Thread-safe; a write failure is
/// reported once and never breaks the caller.
/// </summary>
public sealed class ServiceLog : IDisposable
{
    private readonly string _dir;
    private readonly string _service;
    private readonly int _rotateHours;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private FileStream? _file;
    private DateTimeOffset _periodEnd;
    private bool _failed;

    public ServiceLog(string logsDir, string service, int rotateHours, TimeProvider? time = null)
    {
        _dir = logsDir;
        _service = service;
        _rotateHours = Math.Max(1, rotateHours);
        _time = time ?? TimeProvider.System;
    }

    public string? CurrentPath { get; private set; }

    /// <summary>XMail's timestamp field format.</summary>
    public static string Timestamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss");

    public void Write(params string[] fields)
    {
        var sb = new StringBuilder(128);
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append('\t');
            // A quote, TAB or line end inside a value would break the record: replace it.
            sb.Append('"');
            foreach (char c in fields[i]) sb.Append(c is '"' or '\t' or '\r' or '\n' ? ' ' : c);
            sb.Append('"');
        }
        sb.Append('\n');
        var bytes = Encoding.Latin1.GetBytes(sb.ToString());
        lock (_gate)
        {
            try
            {
                var now = _time.GetLocalNow();
                if (_file is null || now >= _periodEnd) Rotate(now);
                _file!.Write(bytes);
                _file.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (!_failed) Console.Error.WriteLine($"XMail: cannot write {_service} log in {_dir}: {ex.Message}");
                _failed = true;
            }
        }
    }

    private void Rotate(DateTimeOffset now)
    {
        _file?.Dispose();
        var day = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, now.Offset);
        int slot = now.Hour / _rotateHours * _rotateHours;
        var start = _rotateHours >= 24 ? day : day.AddHours(slot);
        _periodEnd = start.AddHours(_rotateHours);
        Directory.CreateDirectory(_dir);
        CurrentPath = Path.Combine(_dir, $"{_service}-{start:yyyyMMddHHmm}");
        _file = new FileStream(CurrentPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
