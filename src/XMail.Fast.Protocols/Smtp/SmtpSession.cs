using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// One SMTP conversation: reads command lines from the pipe (no per-line strings for verbs without arguments),
/// checks them against <see cref="SmtpStateTable"/>, asks <see cref="SmtpPolicy"/>, and answers. Replies to
/// pipelined commands are buffered and flushed together when no further complete command is waiting (RFC 2920).
/// </summary>
internal sealed partial class SmtpSession
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
    // The current command line, rented while a command is handled: a session waiting for its next command holds no
    // buffer (10,000 idle sessions would otherwise pin 5 MB).
    private byte[]? _line;
    private readonly string _domain;
    private readonly string _timestamp;
    // Not linked to the connection's Closed token: a closed connection completes the input pipe anyway, and a link
    // would cost every waiting session a callback registration.
    private CancellationTokenSource _idle = new();
    private SmtpState _state = SmtpState.Connected;
    // RFC 2034: the command being answered decides the enhanced code; Helo until the first command (the greeting has none).
    private SmtpCommand _command = SmtpCommand.Helo;
    private readonly bool _enhanced;
    private int _errors;
    private bool _quit;

    // The current transaction.
    private SmtpPath? _from;
    private string _mailLine = "";
    private string _messageId = "";
    private readonly List<AcceptedRecipient> _rcpts = new();

    public SmtpSession(MailServerContext ctx, SessionTransport transport, ServerCertificate certs, SmtpPolicy policy,
        SmtpAuthenticator auth, SmtpFilters filters, SmtpExternalAuth extAuth, DiskSpaceGuard disk, ILogger log, ServiceOptions service,
        SmtpSenderAuth? senderAuth = null)
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
        var cfg = ctx.Config;
        _limits = SmtpLimits.From(ctx.Options, service, cfg);
        _peer = new SmtpPeer(transport.Remote, transport.Local);
        _domain = cfg.SmtpServerDomain;
        _enhanced = cfg.GetBool("SmtpEnhancedStatusCodes", false);
        // Also the CRAM-MD5 challenge (observed: the challenge is the greeting timestamp).
        _timestamp = $"<{ctx.Time.GetUtcNow().ToUnixTimeSeconds()}.{Random.Shared.NextInt64(1, long.MaxValue)}@{_domain}>";
    }

    public async Task RunAsync()
    {
        try
        {
            if (_t.Tag.ImplicitTls)
            {
                if (_certs.Current is not { } cert)
                {
                    _log.LogWarning("SMTPS {Peer}: no server.cert/server.key, connection closed", _peer.Address);
                    return;
                }
                await _t.StartTlsAsync(cert, _limits.IdleTimeout).ConfigureAwait(false);
                _peer.Secure = true;
            }

            var verdict = await _policy.ConnectAsync(_peer, _t.Closed).ConfigureAwait(false);
            if (!verdict.Passed)
            {
                _log.LogInformation("SMTP {Peer}: refused at connect: {Reply}", _peer.Address, verdict.Reply);
                CountRejection("connect", verdict.Reply!);
                await _t.WriteLineAsync(WithCustomMessage(verdict.Reply!)).ConfigureAwait(false);
                return;
            }
            Reply($"220 {_domain} {_timestamp} {SmtpReplies.ServerName} service ready; {MailDate.Now(_ctx.Time)}");

            while (!_quit)
            {
                var (status, length) = await ReadCommandAsync().ConfigureAwait(false);
                if (status == CommandRead.Closed) break;
                if (_peer.CommandDelaySeconds > 0)
                    await Task.Delay(TimeSpan.FromSeconds(_peer.CommandDelaySeconds), _t.Closed).ConfigureAwait(false);
                if (status == CommandRead.TooLong)
                {
                    _log.LogInformation("SMTP {Peer}: command line over {Max} bytes", _peer.Address, SmtpLimits.CommandLineLimit);
                    Error(SmtpReplies.LineTooLong);
                }
                else await HandleAsync(length).ConfigureAwait(false);
                ReleaseLine();

                if (_limits.MaxErrors > 0 && _errors > _limits.MaxErrors)
                {
                    _log.LogInformation("SMTP {Peer}: more than {Max} errors, disconnected", _peer.Address, _limits.MaxErrors);
                    Reply(SmtpReplies.TooManyErrors);
                    break;
                }
            }
            await _t.FlushAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_t.Closed.IsCancellationRequested)
        {
            _log.LogInformation("SMTP {Peer}: idle timeout", _peer.Address);
            try { await _t.WriteLineAsync(Enhanced(SmtpReplies.Timeout)).ConfigureAwait(false); } catch { /* peer gone */ }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException
            or Microsoft.AspNetCore.Connections.ConnectionAbortedException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The peer went away; nothing to answer.
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            _log.LogInformation("SMTP {Peer}: TLS handshake failed: {Error}", _peer.Address, ex.Message);
        }
        finally
        {
            ReleaseLine();
            _idle.Dispose();
        }
    }

    private void ReleaseLine()
    {
        if (_line is not { } rented) return;
        _line = null;
        ArrayPool<byte>.Shared.Return(rented);
    }

    private enum CommandRead { Line, TooLong, Closed }

    /// <summary>
    /// Reads one command line into <see cref="_line"/> (rented here, returned after the command). Flushes pending
    /// replies before waiting for the network, so a pipelined group is answered in one write. Pooled: a command
    /// that waits for the network allocates no state machine.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(CommandRead, int)> ReadCommandAsync()
    {
        bool discarding = false;
        var input = _t.Input;
        if (!input.TryRead(out var result))
        {
            await _t.FlushAsync().ConfigureAwait(false);
            result = await ReadWithTimeoutAsync(input).ConfigureAwait(false);
        }
        while (true)
        {
            var buffer = result.Buffer;
            var status = LineReader.TryRead(ref buffer, SmtpLimits.CommandLineLimit, out var line);
            if (status == LineStatus.Line)
            {
                int n = discarding ? 0 : (int)line.Length;
                if (!discarding) line.CopyTo(_line ??= ArrayPool<byte>.Shared.Rent(SmtpLimits.CommandLineLimit + 2));
                input.AdvanceTo(buffer.Start);
                return (discarding ? CommandRead.TooLong : CommandRead.Line, n);
            }
            if (status == LineStatus.TooLong || discarding)
            {
                // Drop the over-long line through its LF (which may already be here), then answer once.
                discarding = true;
                if (buffer.PositionOf((byte)'\n') is { } lf)
                {
                    input.AdvanceTo(buffer.GetPosition(1, lf));
                    return (CommandRead.TooLong, 0);
                }
                input.AdvanceTo(buffer.End);
            }
            else input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) return (CommandRead.Closed, 0);
            await _t.FlushAsync().ConfigureAwait(false);
            result = await ReadWithTimeoutAsync(input).ConfigureAwait(false);
        }
    }

    private ValueTask<ReadResult> ReadWithTimeoutAsync(PipeReader input)
    {
        if (!_idle.TryReset())
        {
            _idle.Dispose();
            _idle = new CancellationTokenSource();
        }
        _idle.CancelAfter(_limits.IdleTimeout);
        return input.ReadAsync(_idle.Token);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleAsync(int length)
    {
        var line = _line.AsSpan(0, length); // rented by ReadCommandAsync
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
                _quit = true;
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
        bool tls = !_peer.Secure && cfg.EnableSmtpTls && _certs.Current is not null;
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
