using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Routing;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Filters;

/// <summary>
/// "MESSAGE FILTERS": picks the filter files of FILTERS.IN.TAB (local targets) or FILTERS.OUT.TAB (remote targets)
/// and runs their commands in order on the spool file; also runs the single "filter" command of mailproc/custdomain
/// files. The first rejection ends the run; a "+16" exit code stops the list. $(FILE).rej, when the filter wrote
/// one, gives the rejection text. -QT is the default timeout, -Qg logs every run to logs/filters-*. The programs run
/// through <see cref="ExternalRunner"/> with <see cref="FilterVerdict.FromRun"/> as the exit rule.
/// </summary>
public sealed class MessageFilterRunner
{
    private readonly MailServerContext _context;
    private readonly ILogger _log;

    public MessageFilterRunner(MailServerContext context, ILogger log)
    {
        _context = context;
        _log = log;
    }

    /// <summary>Runs the filters FILTERS.IN.TAB (<paramref name="inbound"/>) or FILTERS.OUT.TAB selects for one target.</summary>
    public async Task<FilterVerdict> RunSelectedAsync(bool inbound, SpoolMessage message, string sender, string rcpt, string realRcpt, CancellationToken ct)
    {
        var table = _context.Table(inbound ? "filters.in.tab" : "filters.out.tab", FilterSelection.Load);
        if (table.Count == 0) return FilterVerdict.Pass;
        var macros = Macros(message, sender, rcpt, realRcpt);
        var (remote, local) = message.Addresses;
        var rfrom = macros.Lookup("RFROM")!;
        foreach (var file in table.Select(rfrom, realRcpt, FilterSelection.ParseInfoAddress(remote), FilterSelection.ParseInfoAddress(local)).ToList())
        {
            if (FilterFile(file) is not { } path) continue;
            foreach (var cmd in FilterCommand.Load(path, _log))
            {
                if (cmd.SkipAuthenticated && message.AuthUser != "-") continue;
                var verdict = await RunAsync(message, cmd.Program, cmd.Arguments, cmd.TimeoutOr(_context.Options.FilterTimeoutSeconds), 0, macros, ct).ConfigureAwait(false);
                if (verdict.Reject) return verdict;
                if (verdict.Stop) return FilterVerdict.Pass;
            }
        }
        return FilterVerdict.Pass;
    }

    private string? FilterFile(string file)
    {
        if (!MailRoot.IsSafeName(file))
        {
            _log.LogWarning("filter file name {File} is not a plain file name; skipped", file);
            return null;
        }
        var path = Path.Combine(_context.Root.FiltersDir, file);
        if (File.Exists(path)) return path;
        _log.LogWarning("filter file {Path} not found", path);
        return null;
    }

    /// <summary>Runs one filter program on the message and reads its verdict (exit code 7 reloads the spool header).</summary>
    public async Task<FilterVerdict> RunAsync(SpoolMessage message, string program, IReadOnlyList<string> args, int timeoutSeconds, int priority, MacroSet macros, CancellationToken ct)
    {
        var run = new ExternalRun(program, args)
        {
            Macros = macros,
            TimeoutSeconds = timeoutSeconds,
            Priority = priority,
            RejectFile = message.FilePath + ".rej",
            FilterLog = _context.Options.FilterLog ? new FilterLogEntry(_context.ServiceLog("filters"), _context.Time, message.Sender, message.Id) : null,
        };
        var verdict = await ExternalRunner.RunAsync(run, FilterVerdict.FromRun, _log, ct).ConfigureAwait(false);
        if (verdict.Modified && !message.Reload())
            _log.LogError("filter {Program} broke the spool header of {Name}", program, message.Id);
        return verdict;
    }

    /// <summary>
    /// The filter macros for one target of a message; RFROM is the sender resolved to its account, when it is one
    /// ("MESSAGE FILTERS": "resolved to the real account when possible").
    /// </summary>
    public MacroSet Macros(SpoolMessage message, string sender, string rcpt, string realRcpt)
    {
        var real = sender.Length > 0 ? _context.Resolver.Resolve(sender) : null;
        var rfrom = real is { Kind: RecipientKind.User or RecipientKind.MailingList } ? real.RealAddress : sender;
        return FilterMacros.ForMessage(message, _context.Spool.TempDir, sender, rfrom, rcpt, realRcpt);
    }
}
