using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Smail;

namespace XMail.Fast.Delivery.Notify;

/// <summary>
/// Delivery failure and delay notices. The sender gets one (never the null sender, never for a message that is itself
/// a notice), ErrorsAdmin (permanent) or TempErrorsAdmin (temporary) a copy with the message log. The envelope
/// sender is PostMaster, or &lt;&gt; with NoSenderBounce. The text quotes the headers of the message plus
/// NotifyMsgLinesExtra body lines, and the log when NotifySendLogToSender is on.
/// </summary>
public sealed class BounceWriter
{
    public const string MarkerHeader = "X-MailerDaemon";
    private readonly MailServerContext _context;
    private readonly SpoolStore _store;
    private readonly ILogger _log;

    public BounceWriter(MailServerContext context, SpoolStore store, ILogger log)
    {
        _context = context;
        _store = store;
        _log = log;
    }

    /// <summary>Commits the notices and returns their spool refs (to be queued by the caller).</summary>
    public async Task<List<SpoolRef>> WriteAsync(SpoolMessage message, IReadOnlyList<RecipientOutcome> failures, bool temporary, string reasonOverride = "")
    {
        var refs = new List<SpoolRef>();
        var cfg = _context.Config;
        string headers;
        try { headers = message.ReadMessageHeaders(); }
        catch (IOException) { headers = ""; }
        bool isNotice = headers.Contains("\r\n" + MarkerHeader + ":", StringComparison.OrdinalIgnoreCase) ||
                        headers.StartsWith(MarkerHeader + ":", StringComparison.OrdinalIgnoreCase);
        var log = _store.ReadLog(message.Ref);

        if (message.Sender.Length > 0 && !isNotice)
            refs.Add(await SubmitAsync(message, message.Sender, failures, temporary, headers, cfg.NotifySendLogToSender ? log : null, reasonOverride).ConfigureAwait(false));
        var admin = temporary ? cfg.TempErrorsAdmin : cfg.ErrorsAdmin;
        if (admin is not null && !isNotice && !admin.Equals(message.Sender, StringComparison.OrdinalIgnoreCase))
            refs.Add(await SubmitAsync(message, admin, failures, temporary, headers, log, reasonOverride).ConfigureAwait(false));
        return refs;
    }

    private async Task<SpoolRef> SubmitAsync(SpoolMessage message, string to, IReadOnlyList<RecipientOutcome> failures, bool temporary, string headers, string? log, string reasonOverride)
    {
        var cfg = _context.Config;
        var now = _context.Time.GetUtcNow();
        var smtpId = _context.MessageIds.NextSmtpId();
        var product = MailServerContext.ProductName;
        var header = new SpoolHeader
        {
            Info = "[127.0.0.1]:0;[127.0.0.1]:0;" + XMail.Fast.Core.Smtp.MailDate.Local(now),
            SmtpDomain = cfg.SmtpServerDomain,
            MessageId = smtpId,
            MailFromLine = SpoolHeader.MailFromLineFor(cfg.NoSenderBounce ? "" : cfg.PostMaster),
        };
        header.RcptLines.Add(SpoolHeader.RcptLineFor(to));

        var sb = new StringBuilder(2048);
        sb.Append("Date: ").Append(XMail.Fast.Core.Smtp.MailDate.Local(now)).Append("\r\n");
        sb.Append("From: PostMaster <").Append(cfg.PostMaster).Append(">\r\n");
        sb.Append("To: ").Append(to).Append("\r\n");
        sb.Append("Subject: [").Append(product).Append("] ").Append(temporary ? "Temporary delivery error notification" : "Message delivery failure").Append("\r\n");
        sb.Append("Message-ID: <").Append(smtpId).Append('.').Append(message.Id).Append('@').Append(cfg.SmtpServerDomain).Append(">\r\n");
        sb.Append(MarkerHeader).Append(": ").Append(product).Append("\r\n");
        sb.Append("\r\n");
        foreach (var f in failures)
            sb.Append("[<00>] ").Append(product).Append(" bounce: Rcpt=[").Append(f.Target).Append("];Error=[").Append(reasonOverride.Length > 0 ? reasonOverride : f.Text).Append("]\r\n");
        sb.Append("\r\n\r\n[<01>] Error sending message [").Append(message.SmtpId).Append("] from [").Append(message.Sender).Append("].\r\n\r\n");
        sb.Append("ID:        <").Append(message.SmtpId).Append(">\r\n");
        sb.Append("Mail From: <").Append(message.Sender).Append(">\r\n");
        foreach (var f in failures) sb.Append("Rcpt To:   <").Append(f.Target).Append(">\r\n");
        sb.Append("\r\n\r\n[<02>] The reason of the delivery failure was:\r\n\r\n");
        foreach (var f in failures) sb.Append(reasonOverride.Length > 0 ? reasonOverride : f.Text).Append("\r\n");
        if (temporary) sb.Append("\r\nThe message will be retried; no action is required yet.\r\n");
        if (log is { Length: > 0 })
            sb.Append("\r\n\r\n[<05>] Here is listed the message log file:\r\n\r\n").Append(log);
        sb.Append("\r\n\r\n[<06>] Here is listed the initial part of the message:\r\n\r\n").Append(headers);
        int extra = cfg.NotifyMsgLinesExtra;
        if (extra > 0)
        {
            sb.Append("\r\n");
            foreach (var line in BodyLines(message, extra)) sb.Append(line).Append("\r\n");
        }

        var bytes = Encoding.Latin1.GetBytes(sb.ToString());
        var r = await _store.SubmitAsync(header, s => s.Write(bytes)).ConfigureAwait(false);
        _log.LogInformation("{Kind} notice {Id} for {Message} sent to {To}", temporary ? "delay" : "failure", smtpId, message.SmtpId, to);
        return r;
    }

    private static IEnumerable<string> BodyLines(SpoolMessage message, int count)
    {
        using var s = message.OpenMessage();
        using var reader = new StreamReader(s, Encoding.Latin1);
        while (reader.ReadLine() is { Length: > 0 }) { }
        for (int i = 0; i < count && reader.ReadLine() is { } line; i++) yield return line;
    }
}
