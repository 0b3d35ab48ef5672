using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>The NotAuthenticated state: admission, the greeting, "#!TLS" and the login line.</summary>
internal sealed partial class CtrlSession
{
    private static ReadOnlySpan<byte> TlsInit => "#!TLS"u8;
    private static readonly Refusal IpRefused = new(ErrorCodeText.CtrlLine(ErrorCode.IpNotAllowed));

    private static long _sessionSeq;
    private string _timestamp = "";
    private bool _firstLine = true;

    public override string BusyReply => ErrorCodeText.CtrlLine(ErrorCode.ServerBusy);

    /// <summary>ctrl.ipmap.tab, before the greeting.</summary>
    public override ValueTask<Refusal?> CheckAccessAsync()
    {
        if (Services.IpMap.IsAllowed(Transport.RemoteAddress)) return default;
        Log.LogWarning("CTRL [{Ip}] refused by ctrl.ipmap.tab", Transport.RemoteAddress);
        return ValueTask.FromResult<Refusal?>(IpRefused);
    }

    protected override void Greet()
    {
        Log.LogInformation("CTRL client connection from [{Ip}]", Transport.RemoteAddress);
        var now = Context.Time.GetUtcNow();
        _timestamp = $"<{now.ToUnixTimeSeconds()}.{Environment.ProcessId}{Interlocked.Increment(ref _sessionSeq)}@{Transport.LocalAddress}>";
        Transport.BufferLine($"+00000 {_timestamp} {MailServerContext.ProductName} CTRL Server; {CtrlDates.Rfc2822(now)}");
    }

    protected override void OnEnded() => Log.LogInformation("CTRL client exit [{Ip}]", Transport.RemoteAddress);

    /// <summary>"#!TLS" (only as the first line, as CtrlClnt sends it) or the login line; a refused login closes.</summary>
    private ValueTask LoginLineAsync(CommandRead read)
    {
        bool first = _firstLine;
        _firstLine = false;
        if (read == CommandRead.Line && first && Reader.Line.SequenceEqual(TlsInit)) return StartTlsAsync();
        return LoginAsync(read == CommandRead.Line ? Reader.LineText() : null);
    }

    private async ValueTask StartTlsAsync()
    {
        var error = GuardError(CtrlStateTable.GuardOf(CtrlInput.TlsInit));
        if (error != ErrorCode.Success)
        {
            Log.LogWarning("CTRL [{Ip}] #!TLS refused: {Error}", PeerIp, ErrorCodeText.Describe(error));
            await ReplyAsync(error).ConfigureAwait(false);
            Ended = true;
            return;
        }
        // Bytes pipelined behind "#!TLS" are dropped, never read as the login over TLS.
        await TlsUpgrade.UpgradeAsync(Transport, Services.Certificate, ErrorCodeText.CtrlLine(ErrorCode.Success), pipelinedRefusal: null,
            Limits.TlsHandshakeTimeout).ConfigureAwait(false);
        Enter(CtrlInput.TlsInit);
        Log.LogInformation("CTRL [{Ip}] TLS started: {Tls}", PeerIp, Transport.TlsDescription);
    }

    /// <summary>The error when <paramref name="guard"/> does not hold now; Success when it does.</summary>
    private ErrorCode GuardError(CommandGuard guard) => guard switch
    {
        CommandGuard.TlsUpgrade => TlsUpgrade.Check(Transport, Context.Config.EnableCtrlTls, Services.Certificate) switch
        {
            TlsRefusal.None => ErrorCode.Success,
            TlsRefusal.AlreadySecure => ErrorCode.SslAlreadyActive,
            TlsRefusal.Disabled => ErrorCode.SslDisabled,
            _ => ErrorCode.SslSetcert,
        },
        _ => ErrorCode.Success,
    };

    /// <summary>"user" TAB "password" (or "#" + MD5 of timestamp and password); null: the line was over-long.</summary>
    private async ValueTask LoginAsync(string? line)
    {
        string[]? tokens = null;
        if (line is not null && TabParser.Parse(line, out var fields, out _) == TabParser.LineKind.Record) tokens = fields;
        bool ok = tokens is { Length: 2 } && Services.CtrlAccounts.Verify(tokens[0], tokens[1], _timestamp);
        var user = tokens is { Length: > 0 } ? tokens[0] : "";
        if (Services.LogEnabled) Services.FileLog.Login(PeerIp, user, ok ? "AUTH" : "FAIL");
        if (!ok)
        {
            Log.LogWarning("CTRL [{Ip}] login failed for \"{User}\"", PeerIp, user);
            XMail.Fast.Core.Telemetry.XMailMetrics.AuthFailures.Add(1, XMail.Fast.Core.Telemetry.XMailMetrics.Tag("protocol", "ctrl"));
            await ReplyAsync(ErrorCode.BadCtrlLogin).ConfigureAwait(false);
            Ended = true;
            return;
        }
        User = user;
        Enter(CtrlInput.Login);
        Log.LogInformation("CTRL [{Ip}] \"{User}\" logged in", PeerIp, user);
        await OkAsync().ConfigureAwait(false);
    }
}
