using System.Globalization;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Tab;
using XMail.Fast.Delivery.Local;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Filters;

/// <summary>
/// "MESSAGE FILTERS": picks the filter files of FILTERS.IN.TAB (local targets) or FILTERS.OUT.TAB (remote targets)
/// and runs their commands in order on the spool file; also runs the single "filter" command of mailproc/custdomain
/// files. The first rejection ends the run; a "+16" exit code stops the list. $(FILE).rej, when the filter wrote
/// one, gives the rejection text. -QT is the default timeout, -Qg logs every run to logs/filters-*.
/// </summary>
public sealed class MessageFilterRunner
{
    private readonly MailServerContext _context;
    private readonly ILogger _log;
    private readonly object _logGate = new();

    public MessageFilterRunner(MailServerContext context, ILogger log)
    {
        _context = context;
        _log = log;
    }

    public async Task<FilterVerdict> RunSelectedAsync(bool inbound, SpoolMessage message, DeliveryMacros macros, CancellationToken ct)
    {
        var table = _context.Table(inbound ? "filters.in.tab" : "filters.out.tab", FilterSelection.Load);
        if (table.Count == 0) return FilterVerdict.Pass;
        var (remote, local) = message.Addresses;
        foreach (var file in table.Select(macros.RFrom, macros.RRcpt, FilterSelection.ParseInfoAddress(remote), FilterSelection.ParseInfoAddress(local)).ToList())
        {
            if (!MailRoot.IsSafeName(file))
            {
                _log.LogWarning("filter file name {File} is not a plain file name; skipped", file);
                continue;
            }
            var path = Path.Combine(_context.Root.FiltersDir, file);
            if (!File.Exists(path))
            {
                _log.LogWarning("filter file {Path} not found", path);
                continue;
            }
            foreach (var line in TabFile.Records(path, 1, _log))
            {
                var cmd = FilterCommand.Parse(line.Fields!);
                if (cmd is null) continue;
                if (cmd.ExcludeAuthenticated && message.AuthUser != "-") continue;
                var verdict = await RunAsync(message, cmd.Program, cmd.Args, cmd.TimeoutSeconds ?? _context.Options.FilterTimeoutSeconds, 0, macros, ct).ConfigureAwait(false);
                if (verdict.Reject) return verdict;
                if (verdict.Stop) return FilterVerdict.Pass;
            }
        }
        return FilterVerdict.Pass;
    }

    /// <summary>Runs one filter program on the message and reads its verdict (exit code 7 reloads the spool header).</summary>
    public async Task<FilterVerdict> RunAsync(SpoolMessage message, string program, string[] args, int timeoutSeconds, int priority, DeliveryMacros macros, CancellationToken ct)
    {
        var rejFile = message.FilePath + ".rej";
        TryDelete(rejFile);
        var argv = ExternalProgram.Expand(args, macros.Lookup);
        var result = await ExternalProgram.RunAsync(program, argv, Math.Max(1, timeoutSeconds), priority, _log, ct).ConfigureAwait(false);
        string? rejText = null;
        try
        {
            if (File.Exists(rejFile)) rejText = File.ReadLines(rejFile).FirstOrDefault()?.Trim();
        }
        catch (IOException) { }
        TryDelete(rejFile);

        var verdict = result.Started && !result.TimedOut ? FilterVerdict.FromExitCode(result.ExitCode, rejText) : FilterVerdict.Pass;
        if (verdict.Modified && !message.Reload())
            _log.LogError("filter {Program} broke the spool header of {Name}", program, message.Id);
        if (_context.Options.FilterLog) WriteFilterLog(message, program, argv, result);
        return verdict;
    }

    private void WriteFilterLog(SpoolMessage message, string program, string[] argv, ExternalResult result) =>
        _context.ServiceLog("filters").Write(Core.Logging.ServiceLog.Timestamp(_context.Time.GetLocalNow()), message.Sender, message.Id, program,
            string.Join(' ', argv), result.TimedOut ? "TIMEOUT" : result.Started ? result.ExitCode.ToString(CultureInfo.InvariantCulture) : "NOT-STARTED");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}
