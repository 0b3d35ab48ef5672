using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Remote;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// The SMAIL engine: at start recovers the spool (lock/ files left by XMail 1.27 cleared, half-written L0/L1/temp
/// discarded, mess/ queued, rsnd/ scheduled at its info/ due time), then runs -Qn workers on <see cref="MailServerContext.Queue"/> and
/// one loop that moves due retries from the <see cref="RetryQueue"/> into the queue. CTRL frozsubmit, ETRN and other
/// receivers enqueue on the same queue; <see cref="Flush"/> makes waiting retries due now (ETRN).
/// </summary>
public sealed class SmailService : BackgroundService
{
    private readonly MailServerContext _context;
    private readonly SpoolStore _store;
    private readonly ILogger _log;

    public SmailService(MailServerContext context, RemoteMailer remote)
    {
        _context = context;
        _log = context.Loggers.CreateLogger("XMail.SMAIL");
        _store = new SpoolStore(context.SpoolWriter, context.Time, _log);
        Retries = new RetryQueue();
        Processor = new MessageProcessor(context, _store, Retries, remote, _log);
        Core.Telemetry.XMailMetrics.ObserveQueue(() => context.Queue.Count, () => Retries.Count);
    }

    public RetryQueue Retries { get; }
    public MessageProcessor Processor { get; }
    public SpoolStore Store => _store;

    /// <summary>Makes the waiting messages with a recipient matching <paramref name="match"/> due now; returns how many.</summary>
    public int Flush(Func<SpoolHeader, bool> match)
    {
        var now = _context.Time.GetUtcNow();
        return Retries.MakeDue(r =>
        {
            try
            {
                if (SpoolHeader.ReadFile(_store.PathOf(r, "rsnd")) is not { } h || !match(h)) return false;
                if (_store.ReadInfo(r) is { } info) _store.WriteInfo(r, info with { NextTry = now.ToUnixTimeSeconds() });
                return true;
            }
            catch (IOException) { return false; }
        }, now);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await Task.Yield();
        var recovered = Recover();
        int workers = Math.Clamp(_context.Options.SmailThreads, 1, 256);
        EnsurePoolThreads(workers);
        var tasks = new List<Task>(workers + 2);
        for (int i = 0; i < workers; i++) tasks.Add(Task.Run(() => WorkerAsync(ct), ct));
        tasks.Add(Task.Run(() => RetryLoopAsync(ct), ct));
        tasks.Add(Task.Run(async () =>
        {
            foreach (var r in recovered) await _context.Queue.EnqueueAsync(r, ct).ConfigureAwait(false);
        }, ct));
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>
    /// Workers block in short file I/O (open, write, rename); the pool only adds threads slowly beyond its minimum
    /// (the core count), so without this -Qn workers would not really run in parallel. Waits for the shared disk
    /// flushes hold no thread (they are awaited), so the workers need no more than one thread each.
    /// </summary>
    private static void EnsurePoolThreads(int workers)
    {
        ThreadPool.GetMinThreads(out int min, out int io);
        int want = Math.Min(1024, workers + Environment.ProcessorCount * 2);
        if (min < want) ThreadPool.SetMinThreads(want, io);
    }

    /// <summary>Scans the spool once; returns the mess/ messages to queue (rsnd/ ones go to the retry queue).</summary>
    public List<SpoolRef> Recover()
    {
        var layout = _context.Spool;
        Directory.CreateDirectory(layout.LocalDir);
        Directory.CreateDirectory(layout.TempDir);
        var now = _context.Time.GetUtcNow();
        var fresh = new List<SpoolRef>();
        int stale = 0, halfWritten = 0, waiting = 0;
        foreach (var (l0, l1) in layout.ExistingLevels())
        {
            stale += DeleteAll(layout.Folder(l0, l1, "lock"), DateTime.MaxValue);
            // Only files from before this start: the SMTP server may already be writing new ones here.
            halfWritten += DeleteAll(layout.Folder(l0, l1, "temp"), Processor.Started.AddSeconds(-1)); // file times are coarse
            foreach (var f in Files(layout.Folder(l0, l1, "mess"))) fresh.Add(new SpoolRef(l0, l1, f));
            foreach (var f in Files(layout.Folder(l0, l1, "rsnd")))
            {
                var r = new SpoolRef(l0, l1, f);
                var info = _store.ReadInfo(r);
                var due = info is { NextTry: > 0 } i ? DateTimeOffset.FromUnixTimeSeconds(i.NextTry) : now;
                Retries.Add(r, due < now ? now : due);
                waiting++;
            }
        }
        // Messages are processed oldest first: names start with the creation time in ms.
        fresh.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (fresh.Count + waiting + stale + halfWritten > 0)
            _log.LogInformation("spool recovery: {Fresh} new, {Waiting} waiting for retry, {Stale} stale locks cleared, {Temp} half-written files discarded",
                fresh.Count, waiting, stale, halfWritten);
        return fresh;
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        var reader = _context.Queue.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out var r))
            {
                try
                {
                    await Processor.ProcessAsync(r, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                catch (Exception ex)
                {
                    _log.LogError(ex, "SMAIL worker error on {Name}", r.Name);
                }
            }
        }
    }

    private async Task RetryLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var changed = Retries.Changed;
            var now = _context.Time.GetUtcNow();
            foreach (var r in Retries.TakeDue(now)) await _context.Queue.EnqueueAsync(r, ct).ConfigureAwait(false);
            var next = Retries.NextDue;
            var delay = next is null ? Timeout.InfiniteTimeSpan : next.Value - now;
            if (delay != Timeout.InfiniteTimeSpan && delay <= TimeSpan.Zero) continue;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sleep = Task.Delay(delay, _context.Time, wake.Token);
            await Task.WhenAny(sleep, changed).ConfigureAwait(false);
            wake.Cancel();
            ct.ThrowIfCancellationRequested();
        }
    }

    private static IEnumerable<string> Files(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Select(p => Path.GetFileName(p)).Where(n => n.Length > 0 && n[0] != '.') : [];

    private int DeleteAll(string dir, DateTime writtenBefore)
    {
        int n = 0;
        if (!Directory.Exists(dir)) return 0;
        foreach (var f in Directory.EnumerateFiles(dir))
        {
            if (File.GetLastWriteTimeUtc(f) >= writtenBefore) continue;
            try { File.Delete(f); n++; }
            catch (IOException ex) { _log.LogWarning("unable to remove {Path}: {Error}", f, ex.Message); }
        }
        return n;
    }
}
