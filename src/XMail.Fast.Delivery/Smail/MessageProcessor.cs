using XMail.Fast.Core.Telemetry;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Filters;
using XMail.Fast.Delivery.Local;
using XMail.Fast.Delivery.Notify;
using XMail.Fast.Delivery.Remote;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// One SMAIL pass over one spool message: lock, loop check (MaxMTAOps Received: lines), route every RCPT (skipping
/// targets done in an earlier pass), hand remote targets to <see cref="RemoteMailer"/>, then settle: all done →
/// removed; temporary failures → rsnd/ and a retry (or expiry after -Qr tries); permanent failures → bounce and froz/
/// (removed with RemoveSpoolErrors).
/// </summary>
public sealed class MessageProcessor
{
    private readonly MailServerContext _context;
    private readonly SpoolStore _store;
    private readonly RetryQueue _retries;
    private readonly RetrySchedule _schedule;
    private readonly RemoteMailer _remote;
    private readonly RecipientRouter _router;
    private readonly BounceWriter _bounces;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<SpoolRef, byte> _inFlight = new();

    /// <summary>When this engine started: a spool file older than that may have been half processed by a crashed run.</summary>
    private readonly DateTime _started = DateTime.UtcNow;

    /// <summary>When this engine started (UTC): spool files written since are this run's own.</summary>
    public DateTime Started => _started;

    public MessageProcessor(MailServerContext context, SpoolStore store, RetryQueue retries, RemoteMailer remote, ILogger log)
    {
        _context = context;
        _store = store;
        _retries = retries;
        _remote = remote;
        _log = log;
        var o = context.Options;
        _schedule = new RetrySchedule(o.SmailRetryTimeoutSeconds, o.SmailRetryIncrRatio, o.SmailMaxRetries);
        _router = new RecipientRouter(context, store, new MessageFilterRunner(context, context.Loggers.CreateLogger("XMail.Filters")), log);
        _bounces = new BounceWriter(context, store, log);
    }

    /// <summary>How many recipients of one message are routed at once.</summary>
    public const int RecipientParallelism = 256;

    public RetrySchedule Schedule => _schedule;

    public async Task ProcessAsync(SpoolRef r, CancellationToken ct)
    {
        // The message lock: one process serves a MailRoot (XMail.pid), so an in-memory claim is enough; XMail 1.27's
        // lock/NAME files would cost a file created and deleted per message (stale ones are cleared at start).
        if (!_inFlight.TryAdd(r, 0)) return;
        try
        {
            await ProcessLockedAsync(r, ct).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(r, out _);
        }
    }

    private async Task ProcessLockedAsync(SpoolRef r, CancellationToken ct)
    {
        var (path, written) = _store.Locate(r);
        if (path is null) return;
        var now = _context.Time.GetUtcNow();
        var storedInfo = _store.ReadInfo(r);
        var info = storedInfo ?? new SpoolInfo(0, 0, now.ToUnixTimeSeconds());
        int tries = info.Tries + 1;
        // A message waiting in rsnd/ runs at its due time only (a stray duplicate queue entry must not retry early).
        if (path.EndsWith(Path.DirectorySeparatorChar + "rsnd" + Path.DirectorySeparatorChar + r.Name, StringComparison.Ordinal) &&
            info.NextTry > now.ToUnixTimeSeconds())
        {
            _retries.Add(r, DateTimeOffset.FromUnixTimeSeconds(info.NextTry));
            return;
        }

        SpoolHeader? header;
        byte[]? content;
        try { (header, content) = SpoolMessage.Load(path); }
        catch (IOException ex)
        {
            _log.LogWarning("spool file {Name} unreadable: {Error}; retry later", r.Name, ex.Message);
            Reschedule(r, path, info with { Tries = tries });
            return;
        }
        if (header is null)
        {
            _log.LogError("spool file {Name} is malformed; frozen", r.Name);
            _store.AppendLog(r, [$"ErrCode   = -{(int)ErrorCode.InvalidSpoolFile}", "ErrString = Invalid spool file"]);
            _store.WriteInfo(r, info with { Tries = tries });
            _store.Freeze(r, path);
            return;
        }
        var message = new SpoolMessage(r, path, header, content);

        try
        {
            if (message.CountReceivedFields() > _context.Config.MaxMTAOps)
            {
                await FreezeLoopedAsync(message, info with { Tries = tries }, path).ConfigureAwait(false);
                return;
            }

            var done = _store.ReadDone(r);
            // Written before this process started, retried, or with state files: an earlier pass may have stored part of it.
            bool mayHaveRun = storedInfo is not null || done.Count > 0 || written < _started;
            var job = new DeliveryJob(message, _store, done, mayHaveRun);
            var rcpts = header.Recipients.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (rcpts.Count == 1) await _router.RouteAsync(job, rcpts[0], rcpts[0], message.Sender, 0, ct).ConfigureAwait(false);
            else
            {
                // Many recipients (a list fan-out): route them concurrently so their mailbox commits share fsyncs.
                var po = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(RecipientParallelism, rcpts.Count), CancellationToken = ct };
                await Parallel.ForEachAsync(rcpts, po, (rcpt, c) => new ValueTask(_router.RouteAsync(job, rcpt, rcpt, message.Sender, 0, c))).ConfigureAwait(false);
            }
            await DeliverRemoteAsync(job, ct).ConfigureAwait(false);
            await SettleAsync(job, info, tries, path, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Never lose a message to a bug: log it and try again later like any temporary failure.
            _log.LogError(ex, "processing of spool message {Name} failed; will retry", r.Name);
            _store.AppendLog(r, ["ErrString = Internal error", ex.Message]);
            if (File.Exists(path)) Reschedule(r, path, info with { Tries = tries });
        }
    }

    private async Task DeliverRemoteAsync(DeliveryJob job, CancellationToken ct)
    {
        var groups = job.Remote.GroupBy(p => (p.Sender, p.Route)).ToList();
        // One remote session is the last thing this pass does before it settles (removes the message or writes
        // mprc/ for the next pass), so its 250s need no mprc/ append of their own: one file fewer per relayed
        // message. With several sessions, each one's 250s are recorded before the next session starts.
        bool lastWork = groups.Count == 1;
        foreach (var group in groups)
        {
            var pending = group.ToList();
            var targets = pending.Select(p => p.Target).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            RecipientOutcome[] outcomes;
            try
            {
                outcomes = await _remote.DeliverAsync(job.Message, group.Key.Sender, targets, group.Key.Route, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception ex)
            {
                _log.LogError(ex, "remote delivery of {Id} failed", job.Message.Id);
                outcomes = targets.Select(t => new RecipientOutcome(t, t, DeliveryStatus.TemporaryFailure, "451 " + ex.Message)).ToArray();
            }
            var byTarget = new Dictionary<string, RecipientOutcome>(StringComparer.OrdinalIgnoreCase);
            foreach (var o in outcomes) byTarget[o.Target] = o;
            foreach (var p in pending)
            {
                if (!byTarget.TryGetValue(p.Target, out var o))
                    o = new RecipientOutcome(p.Target, p.Target, DeliveryStatus.TemporaryFailure, "451 no result from remote delivery");
                if (o.Status != DeliveryStatus.Delivered) job.AddResult(o with { Recipient = p.Recipient, Target = p.Target });
                else if (lastWork) job.DeliveredWithPass(p.Recipient, p.Target, p.Key, o.Text);
                else job.Delivered(p.Recipient, p.Target, p.Key, o.Text);
            }
        }
    }

    private async Task SettleAsync(DeliveryJob job, SpoolInfo info, int tries, string path, CancellationToken ct)
    {
        var r = job.Message.Ref;
        var temp = job.Results.Where(x => x.Status == DeliveryStatus.TemporaryFailure).ToList();
        var perm = job.Results.Where(x => x.Status == DeliveryStatus.PermanentFailure).ToList();
        int delivered = 0;
        foreach (var d in job.Results.Where(x => x.Status == DeliveryStatus.Delivered))
        {
            delivered++;
            if (!_context.Options.SmailLog) continue;
            _log.LogInformation("SMAIL {Id} <{Sender}> -> <{Target}> (rcpt <{Rcpt}>): {Text}", job.Message.SmtpId, job.Message.Sender, d.Target, d.Recipient, d.Text);
            // -Ql: the XMail-format SMAIL log, one line per delivered recipient.
            _context.ServiceLog("smail").Write(_context.Config.RootDomain, r.Name, job.Message.SmtpId, job.Message.Sender, d.Recipient, d.Target,
                Core.Logging.ServiceLog.Timestamp(_context.Time.GetLocalNow()), d.Text);
        }
        if (delivered > 0) XMailMetrics.Deliveries.Add(delivered, XMailMetrics.Tag("result", "delivered"));
        if (temp.Count > 0) XMailMetrics.Deliveries.Add(temp.Count, XMailMetrics.Tag("result", "deferred"));
        if (perm.Count > 0) XMailMetrics.Deliveries.Add(perm.Count, XMailMetrics.Tag("result", "bounced"));
        if (temp.Count == 0 && perm.Count == 0 && info.FirstQueued > 0)
            XMailMetrics.DeliveryLatency.Record(Math.Max(0, _context.Time.GetUtcNow().ToUnixTimeSeconds() - info.FirstQueued));

        if (temp.Count == 0 && perm.Count == 0)
        {
            _store.Remove(r, withStateFiles: job.MayHaveRunBefore || job.WroteStateFiles);
            return;
        }
        job.PersistDone();

        var lines = new List<string>();
        foreach (var f in temp.Concat(perm))
        {
            lines.Add($"Message <{job.Message.SmtpId}> to <{f.Target}> (rcpt <{f.Recipient}>) failed ({(f.Status == DeliveryStatus.TemporaryFailure ? "temporary" : "permanent")}), try {tries}");
            lines.Add($"SMTP-Error = \"{f.Text}\"");
        }
        _store.AppendLog(r, lines);
        foreach (var f in temp.Concat(perm))
            _log.LogWarning("SMAIL {Id} <{Sender}> -> <{Target}>: {Text}", job.Message.SmtpId, job.Message.Sender, f.Target, f.Text);

        // A permanent failure is notified once, even if the message waits for other targets.
        var newPerm = perm.Where(p => !job.IsDone(DeliveryJob.Key(p.Recipient, "failed", p.Target))).ToList();
        var notices = new List<SpoolRef>();
        var notify = newPerm.Where(p => p.Notify).ToList();
        if (notify.Count > 0) notices.AddRange(await _bounces.WriteAsync(job.Message, notify, temporary: false).ConfigureAwait(false));
        foreach (var p in newPerm) job.MarkDone(DeliveryJob.Key(p.Recipient, "failed", p.Target));

        bool freeze = perm.Any(p => p.Freeze) && !_context.Config.RemoveSpoolErrors;
        if (temp.Count > 0)
        {
            if (_schedule.IsExpired(tries))
            {
                notices.AddRange(await _bounces.WriteAsync(job.Message, temp, temporary: false, "Message expired after " + tries + " delivery attempts: " + temp[0].Text).ConfigureAwait(false));
                _store.AppendLog(r, [$"ErrCode   = -{(int)ErrorCode.SpoolFileExpired}", "ErrString = Spool file expired"]);
                _store.WriteInfo(r, info with { Tries = tries });
                if (_context.Config.RemoveSpoolErrors) _store.Remove(r);
                else _store.Freeze(r, path);
            }
            else
            {
                if (IsNotifyTry(tries)) notices.AddRange(await _bounces.WriteAsync(job.Message, temp, temporary: true).ConfigureAwait(false));
                Reschedule(r, path, info with { Tries = tries });
            }
        }
        else
        {
            _store.WriteInfo(r, info with { Tries = tries });
            if (freeze) _store.Freeze(r, path);
            else _store.Remove(r);
        }
        foreach (var n in notices) await _context.Queue.EnqueueAsync(n, ct).ConfigureAwait(false);
    }

    private void Reschedule(SpoolRef r, string path, SpoolInfo info)
    {
        var due = _context.Time.GetUtcNow() + _schedule.DelayAfter(info.Tries);
        _store.WriteInfo(r, info with { NextTry = due.ToUnixTimeSeconds() });
        _store.MoveToResend(r, path);
        _retries.Add(r, due);
    }

    private bool IsNotifyTry(int tries)
    {
        var pattern = _context.Config.NotifyTryPattern;
        if (pattern.Length == 0) return false;
        foreach (var p in pattern.Split(','))
            if (int.TryParse(p.Trim(), out int n) && n == tries) return true;
        return false;
    }

    /// <summary>The transcript "ctrl.frozen-list-get": ErrCode -163 in slog/, message in froz/, no delivery.</summary>
    private async Task FreezeLoopedAsync(SpoolMessage message, SpoolInfo info, string path)
    {
        var r = message.Ref;
        _log.LogWarning("SMAIL {Id} blocked by mail loop check (more than {Max} Received: headers)", message.SmtpId, _context.Config.MaxMTAOps);
        _store.AppendLog(r,
        [
            $"ErrCode   = -{(int)ErrorCode.MailLoopDetected}",
            "ErrString = Mail loop detected",
            $"Message <{message.SmtpId}> blocked by mail loop check !",
            "SMTP-Error = \"554 Message blocked by mail loop check\"",
        ]);
        var failures = message.Header.Recipients.Select(x => new RecipientOutcome(x, x, DeliveryStatus.PermanentFailure, "554 Message blocked by mail loop check")).ToList();
        var notices = await _bounces.WriteAsync(message, failures, temporary: false).ConfigureAwait(false);
        _store.WriteInfo(r, info);
        if (_context.Config.RemoveSpoolErrors) _store.Remove(r);
        else _store.Freeze(r, path);
        foreach (var n in notices) _context.Queue.TryEnqueue(n);
    }
}
