using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Mailbox;
using XMail.Fast.Core.Matching;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// One POP3 conversation (RFC 1939 as XMail 1.27 speaks it), split as SMTP's is: here the grammar
/// (<see cref="Pop3StateTable"/> and its guard), the admission checks, CAPA, STLS and QUIT (the UPDATE state:
/// deletions happen only on QUIT, a dropped connection deletes nothing); AUTHORIZATION in Pop3Session.Auth.cs;
/// TRANSACTION in Pop3Session.Transaction.cs. Replies go straight into the output pipe and are flushed once per
/// batch of pipelined commands; message files are streamed by <see cref="MessageStreamer"/>.
/// </summary>
internal sealed partial class Pop3Session : CommandSession
{
    private static readonly Refusal AccessDenied = new(Pop3Replies.AccessDenied);
    private static readonly Refusal NoResources = new(Pop3Replies.NoResources);

    private static long _stampSeq = Random.Shared.NextInt64(1, 1L << 40);

    private readonly MailServerContext _ctx;
    private readonly SessionTransport _t;
    private readonly Pop3Services _services;
    private readonly ILogger _log;
    private readonly ServiceOptions _options;
    private readonly Pop3Limits _limits;
    private readonly string _timestamp;
    private Pop3State _state = Pop3State.Authorization;

    public Pop3Session(SessionTransport t, Pop3Services services, ServiceOptions options, Pop3Limits limits)
        : base(t, limits.Session, services.Context.Time)
    {
        _ctx = services.Context;
        _t = t;
        _services = services;
        _log = services.Log;
        _options = options;
        _limits = limits;
        _domain = services.Domains.BannerDomain();
        _timestamp = "<" + _ctx.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "." +
                     Interlocked.Increment(ref _stampSeq).ToString(CultureInfo.InvariantCulture) + "@" + _domain + ">";
        _badLoginWaitSeconds = limits.BadLoginWaitSeconds;
    }

    private PipeWriter Out => _t.Output;

    public override string BusyReply => Pop3Replies.Busy;

    /// <summary>The global pop3.ipmap.tab, before the greeting.</summary>
    public override ValueTask<Refusal?> CheckAccessAsync()
    {
        if (_ctx.Table("pop3.ipmap.tab", (p, l) => IpMap.Load(p, l)).IsAllowed(_t.RemoteAddress)) return default;
        _log.LogInformation("POP3 connection from [{Ip}] denied by pop3.ipmap.tab", _t.RemoteAddress);
        return ValueTask.FromResult<Refusal?>(AccessDenied);
    }

    /// <summary>Pop3MinVirtMemSpace: the memory still available, before the greeting.</summary>
    public override Refusal? CheckResources()
    {
        if (_limits.MinVirtMemKb <= 0 || AvailableMemoryKb() >= _limits.MinVirtMemKb) return null;
        _log.LogWarning("POP3 connection from [{Ip}] refused: less than Pop3MinVirtMemSpace available", _t.RemoteAddress);
        return NoResources;
    }

    private static long AvailableMemoryKb()
    {
        var info = GC.GetGCMemoryInfo();
        return Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes) / 1024;
    }

    protected override void Greet()
    {
        _log.LogDebug("POP3 client connection from [{Ip}]", _t.RemoteAddress);
        _t.BufferLine(Pop3Replies.Greeting(_timestamp, Core.Smtp.MailDate.Now(_ctx.Time)));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask HandleAsync(CommandRead read)
    {
        if (read == CommandRead.TooLong)
        {
            _log.LogInformation("POP3 over-long command line [{Ip}]", _t.RemoteAddress);
            _t.BufferLine(Pop3Replies.LineTooLong);
            return;
        }
        var verb = Pop3CommandParser.ParseVerb(Reader.Line, out _);
        if (verb == Pop3Verb.Unknown) _t.BufferLine(Pop3Replies.UnknownCommand);
        else if (!Pop3StateTable.IsAllowed(_state, verb)) _t.BufferLine(Pop3Replies.NotValidHere);
        else if (GuardRefusal(Pop3StateTable.GuardOf(verb)) is { } refused) _t.BufferLine(refused);
        else await ExecuteAsync(verb).ConfigureAwait(false);
    }

    private ValueTask ExecuteAsync(Pop3Verb verb)
    {
        switch (verb)
        {
            case Pop3Verb.User: DoUser(); return default;
            case Pop3Verb.Pass: return DoPassAsync();
            case Pop3Verb.Apop: return DoApopAsync();
            case Pop3Verb.Capa: DoCapa(); return default;
            case Pop3Verb.Stls: return DoStlsAsync();
            case Pop3Verb.Quit: DoQuit(); return default;
            default: return ExecuteTransactionAsync(verb);
        }
    }

    /// <summary>The reply when <paramref name="guard"/> does not hold now; null when it does.</summary>
    private string? GuardRefusal(CommandGuard guard) => guard switch
    {
        CommandGuard.TlsUpgrade when TlsCheck() is not TlsRefusal.None and var refusal => Pop3Replies.ForTls(refusal),
        _ => null,
    };

    private TlsRefusal TlsCheck() => TlsUpgrade.Check(_t, _ctx.Config.EnablePop3Tls, _services.Certificate);

    private void DoCapa() => _t.Buffer(Pop3Replies.Capabilities(tls: TlsCheck() == TlsRefusal.None));

    /// <summary>STLS (RFC 2595), its guard passed. Bytes pipelined behind it are dropped, never read as commands over TLS.</summary>
    private async ValueTask DoStlsAsync() =>
        await TlsUpgrade.UpgradeAsync(_t, _services.Certificate, Pop3Replies.TlsReady, pipelinedRefusal: null, _limits.TlsHandshakeTimeout)
            .ConfigureAwait(false);

    private void DoQuit()
    {
        if (_state == Pop3State.Transaction && _mailbox is not null)
        {
            var gone = new List<Pop3MessageFile>();
            for (int i = 0; i < _deleted.Length; i++) if (_deleted[i]) gone.Add(_mailbox.Messages[i]);
            if (gone.Count > 0) _mailbox.Delete(gone);
        }
        Ended = true;
        // Release the mailbox before the reply: a client that reconnects right after +OK must not find it locked.
        ReleaseLock();
        _t.BufferLine(Pop3Replies.Goodbye);
    }

    protected override void OnEnded() => ReleaseLock();

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
