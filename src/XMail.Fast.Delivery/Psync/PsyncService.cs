using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Delivery.Psync;

/// <summary>
/// The PSYNC task: runs all links every -Yi seconds (0 disables it), and at once when MailRoot/.psync-trigger
/// appears (the file is removed). Stale pop3linklocks are harmless: they are OS locks that died with the process.
/// </summary>
public sealed class PsyncService : BackgroundService
{
    private readonly MailServerContext _ctx;
    private readonly PsyncRunner _runner;
    private readonly ILogger _log;

    public PsyncService(MailServerContext context)
    {
        _ctx = context;
        _runner = new PsyncRunner(context);
        _log = context.Loggers.CreateLogger("XMail.Psync");
    }

    public string TriggerFile => _ctx.Root.File(".psync-trigger");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int interval = _ctx.Options.PsyncIntervalSeconds;
        var next = _ctx.Time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(1, interval));
        while (!stoppingToken.IsCancellationRequested)
        {
            bool triggered = File.Exists(TriggerFile);
            if (triggered || (interval > 0 && _ctx.Time.GetUtcNow() >= next))
            {
                if (triggered) try { File.Delete(TriggerFile); } catch (IOException) { }
                try
                {
                    foreach (var (link, r) in await _runner.RunAllAsync(stoppingToken).ConfigureAwait(false))
                        if (r.Fetched > 0 || r.Error is not null)
                            _log.LogInformation("PSYNC {User}@{Domain} <- {ExtUser}@{ExtDomain}: {Count} messages, {Bytes} bytes{Error}",
                                link.LocalName, link.LocalDomain, link.ExtName, link.ExtDomain, r.Fetched, r.Bytes, r.Error is null ? "" : " (" + r.Error + ")");
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
                catch (Exception ex) { _log.LogError("PSYNC run failed: {Error}", ex.Message); }
                next = _ctx.Time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(1, interval));
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), _ctx.Time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}
