using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Policy;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// "SMTP MESSAGE FILTERS": filters.post-rcpt.tab (before answering RCPT), filters.pre-data.tab (before answering
/// DATA) and filters.post-data.tab (before the final DATA reply). Commands run in order; raw exit code 3 rejects,
/// +16 stops the list; a rejecting filter may leave its reply in $(FILE).rej (first line). Empty files cost nothing.
/// </summary>
internal sealed class SmtpFilters
{
    // XMail 1.27's replies when a rejecting filter leaves no $(FILE).rej.
    private const string DefaultReject = "554 Transaction failed";
    private const string DefaultRcptReject = "550 Recipient rejected";
    private readonly MailServerContext _ctx;
    private readonly ILogger _log;

    public SmtpFilters(MailServerContext ctx)
    {
        _ctx = ctx;
        _log = ctx.Loggers.CreateLogger("XMail.SMTP.Filters");
    }

    private IReadOnlyList<FilterCommand> Table(string name) => _ctx.Table(name, (p, l) => FilterCommand.Load(p, l));

    public bool HasPostRcpt => Table("filters.post-rcpt.tab").Count > 0;
    public bool HasPreData => Table("filters.pre-data.tab").Count > 0;
    public bool HasPostData => Table("filters.post-data.tab").Count > 0;

    public Task<PolicyVerdict> PostRcptAsync(SmtpSession s, AcceptedRecipient candidate) =>
        RunWithInfoFileAsync(s, "filters.post-rcpt.tab", candidate, DefaultRcptReject);

    public Task<PolicyVerdict> PreDataAsync(SmtpSession s) =>
        RunWithInfoFileAsync(s, "filters.pre-data.tab", null, DefaultReject);

    /// <summary>Post-data filters get the spool file itself (header, &lt;&lt;MAIL-DATA&gt;&gt;, message) and may rewrite it.</summary>
    public Task<PolicyVerdict> PostDataAsync(SmtpSession s, string spoolFile) =>
        RunAsync(s, "filters.post-data.tab", spoolFile, s.Recipients.Count > 0 ? s.Recipients[^1] : null, DefaultReject);

    private async Task<PolicyVerdict> RunWithInfoFileAsync(SmtpSession s, string table, AcceptedRecipient? current, string defaultReject)
    {
        var dir = _ctx.Spool.TempDir;
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "smtpf." + Core.Spool.UniqueName.Next(_ctx.Time));
        var sb = new StringBuilder(256);
        sb.Append(s.FilterInfo()).Append("\r\n").Append(s.Domain).Append("\r\n").Append(s.MessageId).Append("\r\n").Append(s.MailLine).Append("\r\n");
        foreach (var r in s.Recipients) sb.Append(r.SpoolLine).Append(" {ra=").Append(r.RealAddress).Append("}\r\n");
        await File.WriteAllTextAsync(file, sb.ToString(), Encoding.Latin1).ConfigureAwait(false);
        try
        {
            return await RunAsync(s, table, file, current ?? (s.Recipients.Count > 0 ? s.Recipients[^1] : null), defaultReject).ConfigureAwait(false);
        }
        finally
        {
            try { File.Delete(file); } catch { /* best effort */ }
        }
    }

    private async Task<PolicyVerdict> RunAsync(SmtpSession s, string table, string file, AcceptedRecipient? rcpt, string defaultReject)
    {
        var peer = s.Peer;
        var local = peer.Local.Address.IsIPv4MappedToIPv6 ? peer.Local.Address.MapToIPv4() : peer.Local.Address;
        var macros = FilterMacros.ForSmtp(file, peer.AuthUser ?? "-", $"[{peer.Address}]:{peer.Remote.Port}", $"[{local}]:{peer.Local.Port}",
            s.From?.Address ?? "", rcpt?.Address ?? "", rcpt?.RealAddress ?? "", s.MessageId);

        foreach (var cmd in Table(table))
        {
            if (cmd.SkipAuthenticated && peer.IsAuthenticated) continue;
            if (cmd.SkipWhiteListed && peer.Props.WhiteList) continue;
            var run = new ExternalRun(cmd.Program, cmd.Arguments)
            {
                Macros = macros,
                TimeoutSeconds = cmd.TimeoutOr(_ctx.Options.FilterTimeoutSeconds),
                RejectFile = file + ".rej",
            };
            var (reject, stop) = await ExternalRunner.RunAsync(run, r => ExitRule(r, table, defaultReject), _log, CancellationToken.None).ConfigureAwait(false);
            if (reject is not null) return PolicyVerdict.Reject(reject);
            if (stop) break;
        }
        return PolicyVerdict.Pass;
    }

    /// <summary>
    /// SMTP filters' exit codes: raw 3 rejects (with the .rej line, else <paramref name="defaultReject"/>), +16 stops
    /// the list. A run without an exit code (not started, timed out, not waited for) lets the message go on, as XMail does.
    /// </summary>
    private (string? Reject, bool Stop) ExitRule(ExternalResult r, string table, string defaultReject)
    {
        int code = r.ExitCode;
        if (_ctx.Options.FilterLog || !r.Exited)
            _log.LogInformation("SMTP filter {Table}: {Program} exited {Code}", table, r.Argv[0], code);
        if (!r.Exited) return (null, false);
        if ((code & ~16) == 3) // raw code 3, with or without the +16 stop flag
        {
            var reply = r.RejectText is { Length: <= 510 } line ? AsRejection(line, defaultReject) : defaultReject;
            _log.LogInformation("SMTP filter {Table}: {Program} rejected ({Code}): {Reply}", table, r.Argv[0], code, reply);
            return (reply, true);
        }
        return (null, (code & 16) != 0);
    }

    /// <summary>
    /// The .rej line as a refusal: XMail 1.27 sent it as written, so "250 OK" there would tell the client a message we
    /// dropped was accepted. A line without a 4xx/5xx code gets the default refusal's code in front.
    /// </summary>
    internal static string AsRejection(string line, string defaultReject)
    {
        bool coded = line.Length >= 3 && line[0] is ('4' or '5') && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2])
            && (line.Length == 3 || line[3] == ' ');
        if (coded) return line;
        // Drop any other leading code (e.g. "250 ok") so the client sees one code only.
        if (line.Length >= 4 && char.IsAsciiDigit(line[0]) && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2]) && line[3] == ' ')
            line = line[4..];
        return defaultReject[..4] + line;
    }
}
