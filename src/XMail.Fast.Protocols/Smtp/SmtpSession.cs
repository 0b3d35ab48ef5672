using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// One SMTP conversation: command lines come from the session skeleton (no per-line strings for verbs without
/// arguments), are checked against <see cref="SmtpStateTable"/> and its guards, <see cref="SmtpPolicy"/> is asked, and
/// the replies are buffered; pipelined commands are answered together when no further complete command is waiting
/// (RFC 2920). The connect stage of the policy is the listener's access check.
/// </summary>
internal sealed partial class SmtpSession : CommandSession
{
    private readonly MailServerContext _ctx;
    private readonly SessionTransport _t;
    private readonly ServerCertificate _certs;
    private readonly SmtpPolicy _policy;
    private readonly SmtpAuthenticator _auth;
    private readonly SmtpFilters _filters;
    private readonly SmtpExternalAuth _extAuth;
    private readonly DiskSpaceGuard _disk;
    private readonly ILogger _log;
    private readonly SmtpLimits _limits;
    private readonly SmtpPeer _peer;
    private readonly SmtpSenderAuth? _senderAuth;
    private readonly string _domain;
    private readonly string _timestamp;
    private SmtpState _state = SmtpState.Connected;
    // RFC 2034: the command being answered decides the enhanced code; Helo until the first command (the greeting has none).
    private SmtpCommand _command = SmtpCommand.Helo;
    private readonly bool _enhanced;
    private int _errors;

    // The current transaction.
    private SmtpPath? _from;
    private string _mailLine = "";
    private string _messageId = "";
    private readonly List<AcceptedRecipient> _rcpts = new();

    public SmtpSession(MailServerContext ctx, SessionTransport transport, ServerCertificate certs, SmtpPolicy policy,
        SmtpAuthenticator auth, SmtpFilters filters, SmtpExternalAuth extAuth, DiskSpaceGuard disk, ILogger log, SmtpLimits limits,
        SmtpSenderAuth? senderAuth = null)
        : base(transport, limits.Session, ctx.Time)
    {
        _senderAuth = senderAuth;
        _ctx = ctx;
        _t = transport;
        _certs = certs;
        _policy = policy;
        _auth = auth;
        _filters = filters;
        _extAuth = extAuth;
        _disk = disk;
        _log = log;
        _limits = limits;
        _peer = new SmtpPeer(transport.Remote, transport.Local);
        _domain = ctx.Config.SmtpServerDomain;
        _enhanced = ctx.Config.GetBool("SmtpEnhancedStatusCodes", false);
        // Also the CRAM-MD5 challenge (observed: the challenge is the greeting timestamp).
        _timestamp = $"<{ctx.Time.GetUtcNow().ToUnixTimeSeconds()}.{Random.Shared.NextInt64(1, long.MaxValue)}@{_domain}>";
    }

    public override string BusyReply => SmtpReplies.Busy;
    public override string TimeoutReply => Enhanced(SmtpReplies.Timeout);

    /// <summary>The connect stage of the policy: smtp.ipmap.tab first, then the client checks (spammers, DNS maps, RDNS).</summary>
    public override async ValueTask<Refusal?> CheckAccessAsync()
    {
        _peer.Secure = _t.IsSecure;
        var verdict = await _policy.ConnectAsync(_peer, _t.Closed).ConfigureAwait(false);
        if (verdict.Passed) return null;
        _log.LogInformation("SMTP {Peer}: refused at connect: {Reply}", _peer.Address, verdict.Reply);
        CountRejection("connect", verdict.Reply!);
        return new Refusal(WithCustomMessage(verdict.Reply!));
    }

    protected override void Greet() =>
        Reply($"220 {_domain} {_timestamp} {SmtpReplies.ServerName} service ready; {MailDate.Now(_ctx.Time)}");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask HandleAsync(CommandRead read)
    {
        if (_peer.CommandDelaySeconds > 0)
            await Task.Delay(TimeSpan.FromSeconds(_peer.CommandDelaySeconds), _ctx.Time, _t.Closed).ConfigureAwait(false);
        if (read == CommandRead.TooLong)
        {
            _log.LogInformation("SMTP {Peer}: command line over {Max} bytes", _peer.Address, _limits.MaxCommandLine);
            Error(SmtpReplies.LineTooLong);
        }
        else await HandleCommandAsync().ConfigureAwait(false);

        if (_limits.MaxErrors > 0 && _errors > _limits.MaxErrors)
        {
            _log.LogInformation("SMTP {Peer}: more than {Max} errors, disconnected", _peer.Address, _limits.MaxErrors);
            Reply(SmtpReplies.TooManyErrors);
            Ended = true;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleCommandAsync()
    {
        var line = Reader.Line;
        if (line.Contains((byte)0))
        {
            _log.LogInformation("SMTP {Peer}: NUL byte in command", _peer.Address);
            Error(SmtpReplies.NulInCommand);
            return;
        }
        var cmd = SmtpCommandParser.Parse(line, out int argAt);
        _command = cmd;
        if (cmd == SmtpCommand.Unknown)
        {
            Error(SmtpReplies.Unrecognized);
            return;
        }
        if (!SmtpStateTable.IsAllowed(_state, cmd))
        {
            // XMail 1.27 also drops the transaction on MAIL/HELO/EHLO out of sequence.
            if (cmd is SmtpCommand.Mail or SmtpCommand.Helo or SmtpCommand.Ehlo) ResetTransaction();
            Error(SmtpReplies.BadSequence);
            return;
        }
        if (GuardRefusal(SmtpStateTable.GuardOf(cmd)) is { } refused)
        {
            Error(refused);
            return;
        }
        switch (cmd)
        {
            case SmtpCommand.Noop: Reply(SmtpReplies.Ok); return;
            case SmtpCommand.Help: Reply(SmtpReplies.Help); return;
            case SmtpCommand.Rset:
                ResetTransaction();
                Reply(SmtpReplies.Ok);
                return;
            case SmtpCommand.Quit:
                Reply(SmtpReplies.Goodbye);
                Ended = true;
                return;
        }
        string arg = Encoding.Latin1.GetString(line[argAt..]);
        switch (cmd)
        {
            case SmtpCommand.Helo: Hello(arg, extended: false); break;
            case SmtpCommand.Ehlo: Hello(arg, extended: true); break;
            case SmtpCommand.Mail: await MailAsync(arg).ConfigureAwait(false); break;
            case SmtpCommand.Rcpt: await RcptAsync(arg).ConfigureAwait(false); break;
            case SmtpCommand.Data: await DataAsync().ConfigureAwait(false); break;
            case SmtpCommand.Auth: await AuthAsync(arg).ConfigureAwait(false); break;
            case SmtpCommand.StartTls: await StartTlsAsync().ConfigureAwait(false); break;
            case SmtpCommand.Vrfy: Vrfy(arg); break;
            case SmtpCommand.Etrn: Etrn(arg); break;
        }
    }

    /// <summary>The reply when <paramref name="guard"/> does not hold now; null when it does.</summary>
    private string? GuardRefusal(CommandGuard guard) => guard switch
    {
        CommandGuard.TlsUpgrade => TlsUpgrade.Check(_t, _ctx.Config.EnableSmtpTls, _certs) switch
        {
            TlsRefusal.None => null,
            TlsRefusal.AlreadySecure => SmtpReplies.BadSequence,
            _ => SmtpReplies.TlsUnavailable,
        },
        CommandGuard.NotAuthenticated => _peer.IsAuthenticated ? SmtpReplies.BadSequence : null,
        _ => null,
    };

    // ------------------------------------------------------------------ replies

    private void Reply(string line) => _t.BufferLine(Enhanced(line));

    /// <summary>SmtpEnhancedStatusCodes: the one place replies get their RFC 3463 code (none on HELO/EHLO replies).</summary>
    private string Enhanced(string line) =>
        _enhanced && _command is not (SmtpCommand.Helo or SmtpCommand.Ehlo) ? EnhancedStatusCodes.Apply(line, _command) : line;

    /// <summary>An error reply: counts toward SMTP-MaxErrors and carries CustomSMTPMessage.</summary>
    private void Error(string line)
    {
        _errors++;
        _t.BufferLine(Enhanced(WithCustomMessage(line)));
    }

    private string WithCustomMessage(string line) =>
        _ctx.Config.CustomSMTPMessage is { } custom ? line + " - " + custom : line;

    private void ResetTransaction()
    {
        _from = null;
        _mailLine = "";
        _messageId = "";
        _rcpts.Clear();
        if (_state is SmtpState.Mail or SmtpState.Rcpt) _state = SmtpState.Ready;
    }

    // ------------------------------------------------------------------ HELO / EHLO

    private void Hello(string arg, bool extended)
    {
        var domain = arg.Trim(' ');
        if (domain.Length == 0 || domain.Contains(' ') || domain.Length > 255)
        {
            Error(SmtpReplies.SyntaxError);
            return;
        }
        _peer.HeloDomain = domain;
        _state = SmtpState.Ready;
        if (!extended)
        {
            Reply("250 " + _domain);
            return;
        }
        var cfg = _ctx.Config;
        long max = _policy.MaxMessageBytes(_peer);
        Reply("250-" + _domain);
        Reply("250-VRFY");
        Reply("250-ETRN");
        Reply("250-8BITMIME");
        Reply("250-PIPELINING");
        if (_enhanced) Reply("250-ENHANCEDSTATUSCODES");
        if (AdvertisedAuths() is { Length: > 0 } auths) Reply("250-AUTH " + auths);
        bool tls = TlsUpgrade.Check(_t, cfg.EnableSmtpTls, _certs) == TlsRefusal.None;
        var size = max > 0 ? "SIZE " + max : "SIZE";
        Reply((tls ? "250-" : "250 ") + size);
        if (tls) Reply("250 STARTTLS");
    }

    // ------------------------------------------------------------------ MAIL / RCPT

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask MailAsync(string arg)
    {
        int e = SmtpPath.TryParse(arg, out var path);
        if (e != 0)
        {
            Error(SmtpReplies.PathError(e));
            return;
        }
        if (EsmtpParameters.CheckMail(path!.Parameters) is { } bad)
        {
            _log.LogInformation("SMTP {Peer}: MAIL FROM:<{From}> refused: {Reply} ({Parameters})", _peer.Address, path.Address, bad, path.Parameters);
            Error(bad);
            return;
        }
        if (LowOnDisk("MAIL")) return;
        var verdict = await _policy.MailAsync(_peer, path!, _t.Closed).ConfigureAwait(false);
        if (!verdict.Passed)
        {
            _log.LogInformation("SMTP {Peer}: MAIL FROM:<{From}> refused: {Reply}", _peer.Address, path!.Address, verdict.Reply);
            CountRejection("mail", verdict.Reply!);
            Error(verdict.Reply!);
            return;
        }
        if (_senderAuth is not null && await _senderAuth.AtMailAsync(_peer, path!, _t.Closed).ConfigureAwait(false) is { } spfRefusal)
        {
            _log.LogInformation("SMTP {Peer}: MAIL FROM:<{From}> refused: {Reply}", _peer.Address, path!.Address, spfRefusal);
            CountRejection("mail", spfRefusal);
            Error(spfRefusal);
            return;
        }
        _from = path;
        var parameters = EsmtpParameters.ForSpool(path!.Parameters, _peer.AuthUser);
        _mailLine = "MAIL FROM:<" + path.Address + ">" + (parameters.Length > 0 ? " " + parameters : "");
        _messageId = _ctx.MessageIds.NextSmtpId();
        _state = SmtpState.Mail;
        Reply(SmtpReplies.Ok);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RcptAsync(string arg)
    {
        if (_rcpts.Count >= _limits.MaxRecipients)
        {
            Error(SmtpReplies.TooManyRecipients);
            return;
        }
        int e = SmtpPath.TryParse(arg, out var path);
        if (e != 0)
        {
            Error(SmtpReplies.PathError(e));
            return;
        }
        if (EsmtpParameters.CheckRcpt(path!.Parameters) is { } bad)
        {
            _log.LogInformation("SMTP {Peer}: RCPT TO:<{To}> refused: {Reply} ({Parameters})", _peer.Address, path.Address, bad, path.Parameters);
            Error(bad);
            return;
        }
        var verdict = _policy.Rcpt(_peer, _from!.Address, path!, out var accepted);
        if (verdict.Passed && _filters.HasPostRcpt)
            verdict = await _filters.PostRcptAsync(this, accepted!).ConfigureAwait(false);
        if (!verdict.Passed)
        {
            _log.LogInformation("SMTP {Peer}: RCPT TO:<{To}> refused: {Reply}", _peer.Address, path!.Address, verdict.Reply);
            CountRejection("rcpt", verdict.Reply!);
            Error(verdict.Reply!);
            return;
        }
        _rcpts.Add(accepted!);
        _state = SmtpState.Rcpt;
        Reply(SmtpReplies.Ok);
    }

    /// <summary>
    /// SmtpMinDiskSpace: below it MAIL and DATA get 452 so the client retries later instead of us failing mid-spool.
    /// (XMail 1.27 refused the whole connection; per transaction also catches a disk that fills during a session.)
    /// </summary>
    private bool LowOnDisk(string stage)
    {
        long minKb = _ctx.Config.SmtpMinDiskSpaceKb;
        if (!_disk.IsBelow(minKb)) return false;
        _log.LogWarning("SMTP {Peer}: {Stage} refused: {Free} KB free on the MailRoot file system, SmtpMinDiskSpace is {Min} KB",
            _peer.Address, stage, _disk.FreeBytes / 1024, minKb);
        CountRejection(stage == "MAIL" ? "mail" : "data", SmtpReplies.InsufficientStorage);
        Error(SmtpReplies.InsufficientStorage);
        return true;
    }

    // ------------------------------------------------------------------ VRFY / ETRN

    private void Vrfy(string arg)
    {
        bool allowed = _ctx.Config.AllowSmtpVRFY || _peer.Has(SmtpPermissions.Vrfy) || _peer.Props.EnableVrfy;
        if (!allowed)
        {
            Reply(SmtpReplies.VrfyDisabled);
            return;
        }
        var address = arg.Trim(' ', '<', '>');
        var r = SmtpPath.CheckMailbox(address) == 0 ? _ctx.Resolver.Resolve(address) : null;
        if (r is { Kind: Core.Routing.RecipientKind.User or Core.Routing.RecipientKind.MailingList })
            Reply($"250 <{r.RealAddress}>");
        else Error(SmtpReplies.VrfyNoMatch);
    }

    private void Etrn(string arg)
    {
        bool allowed = _ctx.Config.AllowSmtpETRN || _peer.Has(SmtpPermissions.Etrn) || _peer.Props.EnableEtrn;
        if (!allowed || arg.Trim().Length == 0)
        {
            Error(SmtpReplies.EtrnDisabled);
            return;
        }
        // RFC 1985: "domain" flushes mail for that domain, "@domain" also for its subdomains. Waiting messages move
        // from rsnd/ to mess/ and go to the SMAIL queue (lock/ and mprc/ keep a message from being delivered twice).
        string node = arg.Trim();
        string[] patterns = node.StartsWith('@') ? ["*@" + node[1..], "*@*." + node[1..]] : ["*@" + node];
        var frozen = new Core.Spool.FrozenQueue(_ctx.Spool);
        int count = 0;
        foreach (var pattern in patterns)
            foreach (var r in frozen.FlushResend(pattern))
            {
                if (!_ctx.Queue.TryEnqueue(r)) _log.LogWarning("SMTP ETRN: queue full, {Name} stays in mess/ for the next recovery", r.Name);
                count++;
            }
        _log.LogInformation("SMTP {Peer}: ETRN {Node}: {Count} message(s) requeued", _peer.Address, node, count);
        Reply($"250 Queueing for node <{node}> started");
    }

    /// <summary>xmail.policy.rejections by session stage and reply code (e.g. stage=rcpt, code=550).</summary>
    private static void CountRejection(string stage, string reply) =>
        Core.Telemetry.XMailMetrics.PolicyRejections.Add(1,
            new System.Diagnostics.TagList { { "stage", stage }, { "code", reply.Length >= 3 ? reply[..3] : reply } });

    internal SmtpPeer Peer => _peer;
    internal string Domain => _domain;
    internal string MessageId => _messageId;
    internal string MailLine => _mailLine;
    internal SmtpPath? From => _from;
    internal IReadOnlyList<AcceptedRecipient> Recipients => _rcpts;
}
