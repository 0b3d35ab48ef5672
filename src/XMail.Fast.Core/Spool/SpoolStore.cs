using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// The state folders of a spool message ("XMAIL SPOOL DESIGN"): mess/ (new), rsnd/ (waiting for a retry), froz/,
/// slog/ (its delivery log), info/ (tries, see <see cref="SpoolInfo"/>), mprc/ (delivery targets already done, one
/// per line, so a retry, a crash restart or a frozsubmit never delivers twice to the same target; the SMAIL delivery
/// job decides when a target is written there). Every file of a message has the message's name.
/// </summary>
public sealed class SpoolStore
{
    private readonly SpoolLayout _layout;
    private readonly TimeProvider _time;
    private readonly SpoolWriter _writer;
    private readonly ILogger _log;

    /// <param name="writer">The MailRoot's spool writer: new messages share its group commit with the SMTP server.</param>
    public SpoolStore(SpoolWriter writer, TimeProvider time, ILogger log)
    {
        _writer = writer;
        _layout = writer.Layout;
        _time = time;
        _log = log;
    }

    public SpoolLayout Layout => _layout;

    public string PathOf(SpoolRef r, string state) => _layout.PathOf(r, state);

    /// <summary>
    /// The message file in mess/ or rsnd/ (the states the workers deliver from) and when it was last written, or
    /// (null, _). One stat per state: a missing file reads as written in 1601.
    /// </summary>
    public (string? Path, DateTime WrittenUtc) Locate(SpoolRef r)
    {
        var mess = PathOf(r, "mess");
        var t = File.GetLastWriteTimeUtc(mess);
        if (t.Year > 1601) return (mess, t);
        var rsnd = PathOf(r, "rsnd");
        t = File.GetLastWriteTimeUtc(rsnd);
        return t.Year > 1601 ? (rsnd, DateTime.MinValue) : (null, default); // rsnd/: tried before, by definition
    }

    public SpoolInfo? ReadInfo(SpoolRef r)
    {
        var path = PathOf(r, "info");
        // Most messages have no info/ file yet: a stat is far cheaper than a FileNotFoundException.
        if (!File.Exists(path)) return null;
        try { return SpoolInfo.Parse(File.ReadAllText(path)); }
        catch (IOException) { return null; }
    }

    public void WriteInfo(SpoolRef r, SpoolInfo info) => File.WriteAllText(Ensure(PathOf(r, "info")), info.Format());

    public HashSet<string> ReadDone(SpoolRef r)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var path = PathOf(r, "mprc");
        if (!File.Exists(path)) return set;
        try
        {
            foreach (var line in File.ReadAllLines(path, Encoding.Latin1))
                if (line.Length > 0) set.Add(line);
        }
        catch (IOException) { }
        return set;
    }

    /// <summary>Records a delivered target. Written through to the OS at once, so a process crash cannot lose it.</summary>
    public void AppendDone(SpoolRef r, string key)
    {
        using var fs = new FileStream(Ensure(PathOf(r, "mprc")), FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
        fs.Write(Encoding.Latin1.GetBytes(key + "\n"));
    }

    /// <summary>Appends one entry to slog/NAME in XMail's form: "[PeekTime] secs : date", "&lt;&lt;", lines, "&gt;&gt;".</summary>
    public void AppendLog(SpoolRef r, IEnumerable<string> lines)
    {
        var now = _time.GetUtcNow();
        var sb = new StringBuilder(256);
        sb.Append("[PeekTime] ").Append(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append(" : ").Append(XMail.Fast.Core.Smtp.MailDate.Local(now)).Append("\r\n");
        sb.Append("<<\r\n");
        foreach (var l in lines) sb.Append(l).Append("\r\n");
        sb.Append(">>\r\n");
        try { File.AppendAllText(Ensure(PathOf(r, "slog")), sb.ToString(), Encoding.Latin1); }
        catch (IOException ex) { _log.LogError("unable to write the log of spool message {Name}: {Error}", r.Name, ex.Message); }
    }

    public string ReadLog(SpoolRef r)
    {
        try { return File.ReadAllText(PathOf(r, "slog"), Encoding.Latin1); }
        catch (IOException) { return ""; }
    }

    /// <summary>
    /// Delivery finished: the message and its state files go. <paramref name="withStateFiles"/> false (a message
    /// delivered in its first pass, nothing written beside it) skips the unlinks that could only miss.
    /// </summary>
    public void Remove(SpoolRef r, bool withStateFiles = true)
    {
        TryDelete(PathOf(r, "mess"));
        if (!withStateFiles) return;
        TryDelete(PathOf(r, "rsnd"));
        foreach (var s in StateFiles) TryDelete(PathOf(r, s));
    }

    private static readonly string[] StateFiles = ["info", "mprc", "slog", "cust"];

    /// <summary>mess/ → rsnd/ (first failure) or stays in rsnd/.</summary>
    public void MoveToResend(SpoolRef r, string currentPath)
    {
        var target = PathOf(r, "rsnd");
        if (currentPath != target) File.Move(currentPath, Ensure(target), overwrite: true);
    }

    /// <summary>Into froz/, keeping slog/ (frozgetlog), info/ and mprc/ (a frozsubmit skips what was delivered).</summary>
    public void Freeze(SpoolRef r, string currentPath)
    {
        File.Move(currentPath, Ensure(PathOf(r, "froz")), overwrite: true);
        Core.Telemetry.XMailMetrics.Deliveries.Add(1, Core.Telemetry.XMailMetrics.Tag("result", "frozen"));
    }

    /// <summary>
    /// Commits a new spool message (bounce, list fan-out, LMAIL) the way the SMTP server does: written in
    /// L0/L1/temp, made durable by the shared group commit, renamed into mess/. Completes once it is there.
    /// </summary>
    public async Task<SpoolRef> SubmitAsync(SpoolHeader header, Action<Stream> writeMessage)
    {
        using var draft = _writer.Create();
        header.WriteTo(draft);
        writeMessage(draft.AsStream());
        return await draft.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// State folders are created on first use, not all 23x23x9 at start (thousands of mkdirs cost seconds on a
    /// busy disk); every reader tolerates a missing folder.
    /// </summary>
    private string Ensure(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        // Created once per folder (spool folders are never removed while the server runs).
        if (_created.ContainsKey(dir)) return path;
        Directory.CreateDirectory(dir);
        _created.TryAdd(dir, 0);
        return path;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _created = new(StringComparer.Ordinal);

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
        catch (IOException ex) { _log.LogWarning("unable to remove {Path}: {Error}", path, ex.Message); }
    }
}
