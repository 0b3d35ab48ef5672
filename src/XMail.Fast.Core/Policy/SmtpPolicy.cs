using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Routing;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Policy;

/// <summary>
/// SMTP access policy as an ordered list of small checks at fixed stages, in XMail 1.27's order:
/// connect (smtp.ipmap.tab → smtp.ipprop.tab/hnprop → spammers.tab → SMTP-RDNSCheck → CustMapsList → SmtpConfig),
/// MAIL (null sender → CheckMailerDomain → spam-address.tab → POP3-before-SMTP → SIZE → listed IP → MailAuth/WantTLS),
/// RCPT (forward path → local recipient / custom domain / relay). No sockets: tests drive it with scenario tables.
/// </summary>
public sealed class SmtpPolicy
{
    public const string DefaultIpBanText = "Server access forbidden by your IP";
    private readonly MailServerContext _ctx;
    private readonly IDnsResolver? _dns;
    private readonly ILogger _log;

    public SmtpPolicy(MailServerContext ctx, IDnsResolver? dns = null)
    {
        _ctx = ctx;
        _dns = dns;
        _log = ctx.Loggers.CreateLogger("XMail.SMTP.Policy");
    }

    private ServerConfig Config => _ctx.Config;

    // ---------------------------------------------------------------- connect

    public async Task<PolicyVerdict> ConnectAsync(SmtpPeer peer, CancellationToken ct = default)
    {
        var cfg = Config;
        var ip = peer.Address;
        peer.Props = _ctx.Table("smtp.ipprop.tab", (p, l) => IpPropTable.Load(p, l)).Find(ip);
        var hn = _ctx.Table("smtp.hnprop.tab", (p, l) => HostPropTable.Load(p, l));
        if (!hn.IsEmpty)
        {
            peer.PtrName ??= await ReverseAsync(ip, ct).ConfigureAwait(false);
            peer.Props = peer.Props.Merge(hn.Find(peer.PtrName));
        }

        // smtp.ipmap.tab (not skipped by WhiteList: it is the administrator's access list, not a spam check).
        if (!_ctx.Table("smtp.ipmap.tab", (p, l) => IpMap.Load(p, l)).IsAllowed(ip))
        {
            var v = ApplyCode(peer, cfg.SmtpIpMapDropCode, cfg.SmtpMsgIPBan);
            if (!v.Passed) return v;
        }

        ApplySmtpConfig(peer, cfg);
        if (peer.Props.WhiteList) return PolicyVerdict.Pass;

        if (_ctx.Table("spammers.tab", (p, l) => SpammersTable.Load(p, l)).Match(ip) is { } code)
        {
            _log.LogInformation("SMTP {Ip}: listed in spammers.tab (code {Code})", ip, code);
            var v = ApplyCode(peer, code, cfg.SmtpMsgIPBanSpammers);
            if (!v.Passed) return v;
        }

        if (cfg.CustMapsList is { } maps)
        {
            foreach (var (root, mapCode) in ParseMapsList(maps))
            {
                if (_dns is null || !(await _dns.IPv4Async(DnsMapQuery(ip, root), ct).ConfigureAwait(false)).IsOk) continue;
                _log.LogInformation("SMTP {Ip}: listed in DNS map {Map} (code {Code})", ip, root, mapCode);
                // XMail 1.27: "550 Denied due inclusion of your IP inside (map)", or SmtpMsgIPBanMaps + " (map)".
                if (mapCode > 0)
                    return PolicyVerdict.Disconnect(WithCode("550", cfg.SmtpMsgIPBanMaps, "Denied due inclusion of your IP inside") + " (" + root + ")");
                ApplyCode(peer, mapCode, null); // code 0: MAIL gets "551 Server access forbidden by your IP", as in XMail
                break;
            }
        }

        // SMTP-RDNSCheck: after the maps (as XMail does), so a dropped peer costs no PTR query.
        int rdns = cfg.SmtpRdnsCheck;
        if (rdns != 0)
        {
            peer.PtrName ??= await ReverseAsync(ip, ct).ConfigureAwait(false);
            if (peer.PtrName is null)
            {
                _log.LogInformation("SMTP {Ip}: no PTR record (SMTP-RDNSCheck {Check})", ip, rdns);
                if (rdns > 0) peer.MailLocked = true;
                else peer.CommandDelaySeconds = Math.Max(peer.CommandDelaySeconds, -rdns);
            }
        }
        return PolicyVerdict.Pass;
    }

    private async Task<string?> ReverseAsync(IPAddress ip, CancellationToken ct)
    {
        if (_dns is null) return null;
        var a = await _dns.ReverseAsync(ip, ct).ConfigureAwait(false);
        return a.IsOk && a.Values.Count > 0 ? a.Values[0] : null;
    }

    /// <summary>MX or address records; a DNS failure (not an answer) gives the sender the benefit of the doubt.</summary>
    private async Task<bool> IsMailDomainAsync(string domain, CancellationToken ct)
    {
        if (_dns is null) return true;
        var mx = await _dns.MxAsync(domain, ct).ConfigureAwait(false);
        if (mx.Status != DnsStatus.NotFound) return true;
        return (await _dns.HostAddressesAsync(domain, ct).ConfigureAwait(false)).Status != DnsStatus.NotFound;
    }

    /// <summary>XMail's shared meaning of a listing code: &gt;0 drop now, 0 authenticated-only, &lt;0 delay.</summary>
    private static PolicyVerdict ApplyCode(SmtpPeer peer, int code, string? text)
    {
        if (code > 0) return PolicyVerdict.Disconnect(WithCode("421", text, DefaultIpBanText));
        if (code == 0)
        {
            peer.BlockedIp = true;
            peer.BlockedText ??= text;
        }
        else peer.CommandDelaySeconds = Math.Max(peer.CommandDelaySeconds, -code);
        return PolicyVerdict.Pass;
    }

    /// <summary>
    /// A SmtpMsgIPBan* text as a reply line: XMail 1.27 sends the value as the whole line, so the template's
    /// "550 Denied due ..." already carries its code; a bare text ("Go away") gets <paramref name="code"/> in front.
    /// </summary>
    public static string WithCode(string code, string? text, string fallback)
    {
        if (text is null) return code + " " + fallback;
        bool hasCode = text.Length >= 3 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2])
            && (text.Length == 3 || text[3] == ' ');
        return hasCode ? text : code + " " + text;
    }

    private static void ApplySmtpConfig(SmtpPeer peer, ServerConfig cfg)
    {
        var local = peer.Local.Address.IsIPv4MappedToIPv6 ? peer.Local.Address.MapToIPv4() : peer.Local.Address;
        foreach (var token in cfg.SmtpConfigFor(local.ToString(), peer.Local.Port).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Equals("MailAuth", StringComparison.OrdinalIgnoreCase) || token.Equals("mail-auth", StringComparison.OrdinalIgnoreCase))
                peer.MailLocked |= !peer.Props.NoAuth;
            else if (token.Equals("WantTLS", StringComparison.OrdinalIgnoreCase) || token.Equals("want-tls", StringComparison.OrdinalIgnoreCase))
                peer.WantTls = !peer.Props.EaseTls;
        }
    }

    /// <summary>"maps-root:code,maps-root:code" (SERVER.TAB CustMapsList).</summary>
    public static IEnumerable<(string Root, int Code)> ParseMapsList(string list)
    {
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = item.LastIndexOf(':');
            if (colon > 0 && int.TryParse(item[(colon + 1)..], out int code)) yield return (item[..colon].TrimEnd('.'), code);
            else yield return (item.TrimEnd('.'), 1);
        }
    }

    /// <summary>4.3.2.1.root for 1.2.3.4; nibble-reversed for IPv6 (RFC 5782).</summary>
    public static string DnsMapQuery(IPAddress ip, string root)
    {
        var b = ip.GetAddressBytes();
        if (b.Length == 4) return $"{b[3]}.{b[2]}.{b[1]}.{b[0]}.{root}";
        var parts = new List<string>(33);
        for (int i = b.Length - 1; i >= 0; i--)
        {
            parts.Add((b[i] & 0xF).ToString("x"));
            parts.Add((b[i] >> 4).ToString("x"));
        }
        parts.Add(root);
        return string.Join('.', parts);
    }

    // ---------------------------------------------------------------- MAIL FROM

    public async Task<PolicyVerdict> MailAsync(SmtpPeer peer, SmtpPath from, CancellationToken ct = default)
    {
        var cfg = Config;
        if (from.IsNull)
        {
            if (!cfg.AllowNullSender) return PolicyVerdict.Reject("501 Syntax error in return path");
        }
        else
        {
            var domain = from.Domain;
            bool checkDomain = peer.Props.SenderDomainCheck ?? cfg.CheckMailerDomain;
            if (checkDomain && !_ctx.Accounts.IsLocalDomain(domain) && !await IsMailDomainAsync(domain, ct).ConfigureAwait(false))
            {
                _log.LogInformation("SMTP {Ip}: MAIL FROM:<{From}>: domain has no MX or address records (CheckMailerDomain)", peer.Address, from.Address);
                return PolicyVerdict.Reject("505 Your domain has no DNS/MX entries");
            }
            if (_ctx.Table("spam-address.tab", (p, l) => SpamAddressTable.Load(p, l)).IsSpammer(from.Address))
                return PolicyVerdict.Reject(WithCode("504", cfg.SmtpMsgIPBanSpamAddress, "You are registered as spammer"));
            // SMTP after POP3 grants DefaultSmtpPerms (relay among them) but does not make the session authenticated.
            if (!peer.IsAuthenticated && cfg.EnableAuthSmtpPop3 &&
                _ctx.Pop3BeforeSmtp.IsAuthorized(peer.Address, _ctx.Time.GetUtcNow(), TimeSpan.FromSeconds(_ctx.Options.Pop3AuthExpireSeconds)))
                peer.Perms |= SmtpPermissionText.Parse(cfg.DefaultSmtpPerms);
        }
        long maxMessageBytes = MaxMessageBytes(peer);
        if (from.Parameter("SIZE") is { } size && maxMessageBytes > 0 && long.TryParse(size, out long declared) && declared > maxMessageBytes)
            return PolicyVerdict.Reject("552 Message exceeds fixed maximum message size");
        if (peer.BlockedIp && !peer.IsAuthenticated)
            return PolicyVerdict.Reject(WithCode("551", peer.BlockedText, DefaultIpBanText));
        if (peer.MailLocked && !peer.IsAuthenticated)
            return PolicyVerdict.Reject("551 Server use forbidden");
        if (peer.WantTls && !peer.Secure && !peer.Has(SmtpPermissions.EaseTls))
            return PolicyVerdict.Reject("530 Must issue a STARTTLS command first");
        return PolicyVerdict.Pass;
    }

    /// <summary>Bytes a message may have: 0 = unlimited (Z permission or no MaxMessageSize); user.tab MaxMessageSize wins.</summary>
    public long MaxMessageBytes(SmtpPeer peer)
    {
        if (peer.Has(SmtpPermissions.NoSizeLimit)) return 0;
        long kb = Config.MaxMessageSizeKb;
        if (peer.AuthUser is { } user && EmailAddress.TrySplit(user, out var u, out var d) && _ctx.Accounts.FindUser(d, u) is { } rec
            && _ctx.Accounts.CachedUserVars(rec).MaxMessageSizeKb is { } userKb)
            kb = userKb;
        return kb <= 0 ? 0 : kb * 1024;
    }

    // ---------------------------------------------------------------- RCPT TO

    /// <summary>Checks one recipient. On success <paramref name="accepted"/> holds what to store and the real address.</summary>
    public PolicyVerdict Rcpt(SmtpPeer peer, string sender, SmtpPath to, out AcceptedRecipient? accepted)
    {
        accepted = null;
        if (to.IsNull) return PolicyVerdict.Reject("501 Syntax error in forward path");
        var accounts = _ctx.Accounts;

        // Source routes: only relay clients may ask us to forward through hops; leading hops naming us are dropped.
        int skip = 0;
        while (skip < to.Route.Length && IsLocalOrAlias(to.Route[skip])) skip++;
        if (to.Route.Length > 0)
        {
            if (!CanRelay(peer)) return PolicyVerdict.Reject("550 Relay denied");
            if (skip < to.Route.Length)
            {
                var rest = "@" + string.Join(",@", to.Route[skip..]) + ":" + to.Address;
                accepted = new AcceptedRecipient(SpoolHeader.RcptLineFor(rest), to.Address, to.Address);
                return PolicyVerdict.Pass;
            }
        }

        var domain = to.Domain;
        if (IsLocalOrAlias(domain))
        {
            var r = _ctx.Resolver.Resolve(to.Address);
            switch (r.Kind)
            {
                case RecipientKind.UnknownUser:
                    return PolicyVerdict.Reject($"550 Mailbox unavailable <{to.Address}>");
                case RecipientKind.User when r.User is { } u:
                    if (!accounts.CachedUserVars(u).ReceiveEnable) return PolicyVerdict.Reject($"550 Account disabled <{to.Address}>");
                    break;
                case RecipientKind.MailingList when r.User is { } list:
                    if (accounts.CachedUserVars(list).ClosedML &&
                        !accounts.GetMailingListMembers(list).Any(m => m.Address.Equals(sender, StringComparison.OrdinalIgnoreCase)))
                        return PolicyVerdict.Reject($"557 Access denied <{to.Address}> for user <{sender}>");
                    break;
            }
            accepted = new AcceptedRecipient(SpoolHeader.RcptLineFor(to.Address), to.Address, r.RealAddress);
            return PolicyVerdict.Pass;
        }
        if (_ctx.Resolver.FindCustomDomainFile(domain) is not null || CanRelay(peer))
        {
            accepted = new AcceptedRecipient(SpoolHeader.RcptLineFor(to.Address), to.Address, to.Address);
            return PolicyVerdict.Pass;
        }
        return PolicyVerdict.Reject("550 Relay denied");
    }

    private bool IsLocalOrAlias(string domain) =>
        _ctx.Accounts.IsLocalDomain(domain) || _ctx.Accounts.AliasDomains.Resolve(domain) is not null;

    /// <summary>Never an open relay: the R permission (AUTH / POP3-before-SMTP) or a smtprelay.tab network.</summary>
    public bool CanRelay(SmtpPeer peer) =>
        peer.Has(SmtpPermissions.Relay) || _ctx.Table("smtprelay.tab", (p, l) => RelayTable.Load(p, l)).Allows(peer.Address);
}

/// <summary>An accepted recipient: the spool "RCPT TO:" line, the address as given and after aliases.</summary>
public sealed record AcceptedRecipient(string SpoolLine, string Address, string RealAddress);
