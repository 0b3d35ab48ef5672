using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Tab;
using XMail.Fast.Delivery.Filters;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Delivery.Smail;

namespace XMail.Fast.Delivery.Local;

/// <summary>
/// Executes a mailproc.tab, custdomains/*.tab or cmdaliases/DOMAIN/USER.tab file: mailbox, redirect, lredirect,
/// smtprelay, smtp, external (priority, timeout, exit 16 stops), filter (exit codes of "MESSAGE FILTERS").
/// An "external" line already run for a target is not run again on a retry (done-state key per line).
/// </summary>
public sealed class CommandFileRunner
{
    private readonly MailServerContext _context;
    private readonly RecipientRouter _router;
    private readonly MessageFilterRunner _filters;
    private readonly ILogger _log;

    public CommandFileRunner(MailServerContext context, RecipientRouter router, MessageFilterRunner filters, ILogger log)
    {
        _context = context;
        _router = router;
        _filters = filters;
        _log = log;
    }

    public async Task RunFileAsync(DeliveryJob job, string file, CommandScope scope, int depth, CancellationToken ct)
    {
        var lines = TabFile.Records(file, 1, _log).ToList();
        foreach (var line in lines)
        {
            var f = line.Fields!;
            var cmd = f[0].ToLowerInvariant();
            switch (cmd)
            {
                case "mailbox":
                    if (scope.User is null) _log.LogWarning("{File}:{Line}: \"mailbox\" has no account here; ignored", file, line.LineNumber);
                    else await _router.DeliverToMailboxAsync(job, scope.Origin, scope.User, scope.Sender).ConfigureAwait(false);
                    break;
                case "redirect":
                case "lredirect":
                    foreach (var arg in f.Skip(1).Where(a => a.Length > 0))
                    {
                        var target = arg.Contains('@') ? arg : LocalPart(scope.Rcpt) + "@" + arg;
                        var sender = cmd == "lredirect" ? scope.Rcpt : scope.Sender;
                        await _router.RouteAsync(job, scope.Origin, target, sender, depth + 1, ct).ConfigureAwait(false);
                    }
                    break;
                case "smtprelay":
                    if (f.Length < 2) { Bad(file, line.LineNumber); break; }
                    await _router.AddRemoteAsync(job, scope.Origin, scope.Rcpt, scope.Sender, new RemoteRoute(RemoteRouteKind.Relays, f[1]), depth, ct).ConfigureAwait(false);
                    break;
                case "smtp":
                    await _router.AddRemoteAsync(job, scope.Origin, scope.Rcpt, scope.Sender, RemoteRoute.Default, depth, ct).ConfigureAwait(false);
                    break;
                case "external":
                    if (!TryRunParameters(f, out int prio, out int timeout)) { Bad(file, line.LineNumber); break; }
                    if (await RunExternalAsync(job, scope, file, line.LineNumber, f, prio, timeout, ct).ConfigureAwait(false)) return;
                    break;
                case "filter":
                    if (!TryRunParameters(f, out prio, out timeout)) { Bad(file, line.LineNumber); break; }
                    if (await RunFilterAsync(job, scope, f, prio, timeout, ct).ConfigureAwait(false)) return;
                    break;
                default:
                    _log.LogWarning("{File}:{Line}: unknown command \"{Command}\"; skipped", file, line.LineNumber, f[0]);
                    break;
            }
        }
    }

    /// <summary>"external"/"filter" "priority" "wait-timeout" "command-path" ["arg-or-macro"...].</summary>
    private static bool TryRunParameters(string[] f, out int priority, out int timeout)
    {
        priority = timeout = 0;
        return f.Length >= 4 && int.TryParse(f[1], out priority) && int.TryParse(f[2], out timeout);
    }

    /// <summary>"external": runs once per target (done-state key per line); exit code 16 stops the file. True to stop.</summary>
    private async Task<bool> RunExternalAsync(DeliveryJob job, CommandScope scope, string file, int lineNumber, string[] f, int priority, int timeout, CancellationToken ct)
    {
        var key = DeliveryJob.Key(scope.Origin, "ext:" + lineNumber + ":" + file, scope.Rcpt);
        if (job.IsDone(key)) return false;
        var run = new ExternalRun(f[3], f[4..])
        {
            Macros = _filters.Macros(job.Message, scope.Sender, scope.Rcpt, scope.RealRcpt),
            TimeoutSeconds = timeout,
            Priority = priority,
        };
        var stop = await ExternalRunner.RunAsync(run, r =>
        {
            if (!r.Started) _log.LogError("{File}:{Line}: external {Program} not started", file, lineNumber, f[3]);
            return r.Exited && r.ExitCode == 16;
        }, _log, ct).ConfigureAwait(false);
        job.MarkDone(key);
        return stop;
    }

    /// <summary>"filter": exit codes as "MESSAGE FILTERS"; a rejection fails the target and stops the file, as does +16. True to stop.</summary>
    private async Task<bool> RunFilterAsync(DeliveryJob job, CommandScope scope, string[] f, int priority, int timeout, CancellationToken ct)
    {
        var macros = _filters.Macros(job.Message, scope.Sender, scope.Rcpt, scope.RealRcpt);
        // A wait-timeout of 0 (the spec's "nowait") gets -QT: a filter's verdict, and its rewrite of the file, only
        // count if it is waited for.
        var seconds = timeout > 0 ? timeout : Math.Max(1, _context.Options.FilterTimeoutSeconds);
        var verdict = await _filters.RunAsync(job.Message, f[3], f[4..], seconds, priority, macros, ct).ConfigureAwait(false);
        if (verdict.Reject)
            job.Failed(scope.Origin, scope.RealRcpt, DeliveryStatus.PermanentFailure, verdict.RejectText ?? "554 Message rejected by filter", verdict.Notify, verdict.Freeze);
        return verdict.Reject || verdict.Stop;
    }

    private void Bad(string file, int line) => _log.LogWarning("{File}:{Line}: malformed command; skipped", file, line);

    private static string LocalPart(string address) => EmailAddress.TrySplit(address, out var u, out _) ? u : address;
}
