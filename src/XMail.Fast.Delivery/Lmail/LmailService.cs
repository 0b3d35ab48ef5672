using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Lmail;

/// <summary>
/// LMAIL (-Ln threads, -Lt sleep, -Ll log): picks up spool/local files, turns each into a spool message with a
/// "Received: from /spool/local" header (observed "lmail.spool-local"), queues it and removes the file. A thread claims
/// a file by renaming it to ".NAME.lmail" (atomic, so two threads never take the same file; a crash leaves the claim,
/// which the next start renames back). Malformed files go to spool/local-errors/ with a log line, never lost.
/// </summary>
public sealed class LmailService : BackgroundService
{
    private const string ClaimSuffix = ".lmail";
    private readonly MailServerContext _context;
    private readonly SpoolStore _store;
    private readonly ILogger _log;

    public LmailService(MailServerContext context)
    {
        _context = context;
        _log = context.Loggers.CreateLogger("XMail.LMAIL");
        _store = new SpoolStore(context.SpoolWriter, context.Time, _log);
    }

    public string ErrorDir => Path.Combine(_context.Spool.SpoolDir, "local-errors");

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await Task.Yield();
        var dir = _context.Spool.LocalDir;
        Directory.CreateDirectory(dir);
        foreach (var claimed in Directory.EnumerateFiles(dir, "." + "*" + ClaimSuffix))
        {
            var name = Path.GetFileName(claimed);
            try { File.Move(claimed, Path.Combine(dir, name[1..^ClaimSuffix.Length])); } catch (IOException) { }
        }
        int threads = Math.Clamp(_context.Options.LmailThreads, 1, 64);
        var tasks = Enumerable.Range(0, threads).Select(_ => Task.Run(() => LoopAsync(ct), ct)).ToArray();
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var sleep = TimeSpan.FromSeconds(Math.Max(1, _context.Options.LmailSleepSeconds));
        while (!ct.IsCancellationRequested)
        {
            int n = 0;
            try { n = await ScanOnceAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) { _log.LogError(ex, "LMAIL scan failed"); }
            if (n == 0) await Task.Delay(sleep, _context.Time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Processes the files present now; returns how many were taken.</summary>
    public async Task<int> ScanOnceAsync(CancellationToken ct)
    {
        var dir = _context.Spool.LocalDir;
        int n = 0;
        foreach (var path in Directory.EnumerateFiles(dir).ToList())
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.')) continue;
            var claim = Path.Combine(dir, "." + name + ClaimSuffix);
            try { File.Move(path, claim); }
            catch (IOException) { continue; } // another LMAIL thread took it
            catch (UnauthorizedAccessException) { continue; }
            n++;
            var r = await ConvertAsync(claim, name).ConfigureAwait(false);
            if (r is { } spooled)
            {
                await _context.Queue.EnqueueAsync(spooled, ct).ConfigureAwait(false);
                Core.Telemetry.XMailMetrics.MessagesAccepted.Add(1, Core.Telemetry.XMailMetrics.Tag("source", "lmail"));
            }
        }
        return n;
    }

    private async Task<SpoolRef?> ConvertAsync(string claim, string name)
    {
        try
        {
            using var input = new FileStream(claim, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            if (!LocalMailFile.TryReadEnvelope(input, out var sender, out var rcpts, out var error))
            {
                input.Dispose();
                Reject(claim, name, error);
                return null;
            }
            var cfg = _context.Config;
            var now = _context.Time.GetUtcNow();
            var date = XMail.Fast.Core.Smtp.MailDate.Local(now);
            var header = new SpoolHeader
            {
                Info = "[127.0.0.1]:0;[127.0.0.1]:0;" + date,
                SmtpDomain = cfg.SmtpServerDomain,
                MessageId = _context.MessageIds.NextSmtpId(),
                MailFromLine = SpoolHeader.MailFromLineFor(sender),
            };
            foreach (var rc in rcpts) header.RcptLines.Add(SpoolHeader.RcptLineFor(rc));
            var received = "Received: from /spool/local\r\n\tby " + cfg.SmtpServerDomain + " with [" + MailServerContext.ProductName + " LMAIL Server]\r\n\tfor <" +
                           rcpts[0] + "> from <" + sender + ">;\r\n\t" + date + "\r\n";
            var r = await _store.SubmitAsync(header, output =>
            {
                output.Write(System.Text.Encoding.Latin1.GetBytes(received));
                input.CopyTo(output, 64 * 1024);
            });
            input.Dispose();
            File.Delete(claim);
            if (_context.Options.LmailLog)
            {
                _log.LogInformation("LMAIL {File} <{Sender}> -> {Rcpts} spooled as {Id}", name, sender, string.Join(",", rcpts), header.MessageId);
                _context.ServiceLog("lmail").Write(_context.Config.RootDomain, name, header.MessageId, sender, string.Join(",", rcpts),
                    Core.Logging.ServiceLog.Timestamp(_context.Time.GetLocalNow()));
            }
            return r;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogError("LMAIL {File}: {Error}; will retry", name, ex.Message);
            try { File.Move(claim, Path.Combine(Path.GetDirectoryName(claim)!, name)); } catch (IOException) { }
            return null;
        }
    }

    private void Reject(string claim, string name, string error)
    {
        Directory.CreateDirectory(ErrorDir);
        var target = Path.Combine(ErrorDir, name);
        try { File.Move(claim, target, overwrite: true); }
        catch (IOException ex) { _log.LogError("LMAIL {File}: cannot move to {Dir}: {Error}", name, ErrorDir, ex.Message); }
        _log.LogError("LMAIL {File} is malformed ({Error}); moved to {Target}", name, error, target);
    }
}
