using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Tab;
using XMail.Fast.Delivery.Filters;
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
                {
                    if (f.Length < 4 || !int.TryParse(f[1], out int prio) || !int.TryParse(f[2], out int timeout)) { Bad(file, line.LineNumber); break; }
                    var key = DeliveryJob.Key(scope.Origin, "ext:" + line.LineNumber + ":" + file, scope.Rcpt);
                    if (job.IsDone(key)) break;
                    var macros = _router.Macros(job.Message, scope.Sender, scope.Rcpt, scope.RealRcpt);
                    var argv = ExternalProgram.Expand(f.Skip(4), macros.Lookup);
                    var result = await ExternalProgram.RunAsync(f[3], argv, timeout, prio, _log, ct).ConfigureAwait(false);
                    job.MarkDone(key);
                    if (!result.Started) _log.LogError("{File}:{Line}: external {Program} not started", file, line.LineNumber, f[3]);
                    if (result.Started && !result.TimedOut && result.ExitCode == 16) return;
                    break;
                }
                case "filter":
                {
                    if (f.Length < 4 || !int.TryParse(f[1], out int prio) || !int.TryParse(f[2], out int timeout)) { Bad(file, line.LineNumber); break; }
                    var macros = _router.Macros(job.Message, scope.Sender, scope.Rcpt, scope.RealRcpt);
                    var verdict = await _filters.RunAsync(job.Message, f[3], f[4..], timeout > 0 ? timeout : _context.Options.FilterTimeoutSeconds, prio, macros, ct).ConfigureAwait(false);
                    if (verdict.Reject)
                    {
                        job.Failed(scope.Origin, scope.RealRcpt, DeliveryStatus.PermanentFailure, verdict.RejectText ?? "554 Message rejected by filter", verdict.Notify, verdict.Freeze);
                        return;
                    }
                    if (verdict.Stop) return;
                    break;
                }
                default:
                    _log.LogWarning("{File}:{Line}: unknown command \"{Command}\"; skipped", file, line.LineNumber, f[0]);
                    break;
            }
        }
    }

    private void Bad(string file, int line) => _log.LogWarning("{File}:{Line}: malformed command; skipped", file, line);

    private static string LocalPart(string address) => EmailAddress.TrySplit(address, out var u, out _) ? u : address;
}
