using Microsoft.Extensions.Logging;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// Sender authentication for one SMTP session: SPF at MAIL FROM (a fail refused in-session when SpfCheck is 2),
/// DKIM/ARC/DMARC and Authentication-Results after DATA, before the 250. Authenticated clients, relay clients and
/// peers with WhiteList=1 or MailAuthCheck=0 in smtp.ipprop.tab are not checked. The session makes one call per
/// stage; everything else lives here and in <see cref="IMailAuthenticator"/>.
/// </summary>
internal sealed class SmtpSenderAuth
{
    private readonly IMailAuthenticator _auth;
    private readonly SmtpPolicy _policy;
    private readonly ILogger _log;
    private SpfVerdict _mailFrom = SpfVerdict.NotChecked("mailfrom");
    private SpfVerdict _helo = SpfVerdict.NotChecked("helo");
    private bool _checked;

    public SmtpSenderAuth(IMailAuthenticator auth, SmtpPolicy policy, ILogger log)
    {
        _auth = auth;
        _policy = policy;
        _log = log;
    }

    private bool Exempt(SmtpPeer peer) =>
        peer.IsAuthenticated || peer.Props.WhiteList || peer.Props.MailAuthCheck == false || _policy.CanRelay(peer);

    /// <summary>At MAIL FROM, after policy accepted it: the refusal reply, or null to go on.</summary>
    public async ValueTask<string?> AtMailAsync(SmtpPeer peer, SmtpPath from, CancellationToken ct)
    {
        var settings = _auth.Settings;
        _checked = settings.AnyInboundCheck && !Exempt(peer);
        _mailFrom = SpfVerdict.NotChecked("mailfrom");
        if (!_checked || settings.SpfCheck <= 0) return null;
        var helo = peer.HeloDomain ?? "";
        // The HELO identity once per HELO name (2.3), the MAIL FROM identity per transaction (2.4).
        try
        {
            if (_helo.Reason == "not checked" || !_helo.Domain.Equals(helo.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
                _helo = await _auth.CheckHeloAsync(peer.Address, helo, ct).ConfigureAwait(false);
            _mailFrom = await _auth.CheckMailFromAsync(peer.Address, helo, from.Address, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "SMTP {Peer}: SPF check of <{From}> failed", peer.Address, from.Address);
            _mailFrom = new SpfVerdict(SpfResult.TempError, "mailfrom", from.Domain, from.Address, null, "internal error");
            return null;
        }
        if (_mailFrom.Result != SpfResult.Pass && _mailFrom.Result != SpfResult.None)
            _log.LogInformation("SMTP {Peer}: MAIL FROM:<{From}> SPF {Result} ({Reason})", peer.Address, from.Address, _mailFrom.Keyword, _mailFrom.Reason);
        if (settings.SpfCheck < 2 || _mailFrom.Result != SpfResult.Fail || _auth.IsExemptDomain(_mailFrom.Domain)) return null;
        var why = _mailFrom.Explanation ?? $"{_mailFrom.Domain} does not designate {peer.Address} as permitted sender";
        return "550 5.7.23 SPF check failed: " + Clean(why);
    }

    /// <summary>After DATA, on the closed spool file in temp/: the refusal reply, or null to commit.</summary>
    public async ValueTask<string?> AtEndOfDataAsync(SmtpPeer peer, string spoolFile, string messageId, SmtpPath from, CancellationToken ct)
    {
        if (!_checked || !_auth.Settings.AnyMessageCheck) return null;
        MessageAuthVerdict v;
        try
        {
            v = await _auth.CheckMessageAsync(new MessageAuthRequest(spoolFile, peer.Address, peer.HeloDomain ?? "", from.Address, _mailFrom, _helo), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException))
        {
            // A message our checks cannot read is not the sender's fault: it is accepted unmarked, and logged.
            _log.LogError(ex, "SMTP {Peer}: message {Id}: authentication checks failed", peer.Address, messageId);
            return null;
        }
        bool notable = v.Disposition != MessageDisposition.Accept || v.Dmarc.Result is DmarcResult.Fail or DmarcResult.TempError or DmarcResult.PermError
            || v.Dkim.Any(d => d.Result is not (DkimResult.Pass or DkimResult.None));
        if (notable)
            _log.LogInformation("SMTP {Peer}: message {Id} from <{From}>: spf={Spf} dkim={Dkim} arc={Arc} dmarc={Dmarc} -> {Disposition}",
                peer.Address, messageId, from.Address, _mailFrom.Keyword, string.Join(",", v.Dkim.Select(d => d.Keyword + (d.Reason is null ? "" : "(" + d.Reason + ")"))),
                AuthResultKeywords.Of(v.Arc), v.Dmarc.Keyword, v.Disposition);
        return v.Disposition == MessageDisposition.Reject ? v.Reply : null;
    }

    /// <summary>An exp= text is the domain's: keep it printable and on one line.</summary>
    private static string Clean(string text)
    {
        var chars = text.Where(c => c >= ' ' && c < 0x7F).Take(400).ToArray();
        return new string(chars);
    }
}
