using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// The CTRL administration server ("XMAIL ADMIN PROTOCOL") on the CTRL port and, with implicit TLS, on CTRLS.
/// One instance serves both listeners, so -CX counts their sessions together.
/// <code>
/// state              accepts                                   next
/// NotAuthenticated   "#!TLS" (once, plain link, cert present)  NotAuthenticated (over TLS)
///                    "user" "password|#md5"                    Authenticated, or closed on failure
/// Authenticated      any command of CtrlCommandTable           Authenticated; "quit" closes
///                    usersetmproc / custdomset / cfgfileset    Uploading
/// Uploading          data lines, "." ends                      Authenticated
/// </code>
/// </summary>
public sealed class CtrlConnectionHandler : ConnectionHandler
{
    private const string TlsInit = "#!TLS";
    private static long _sessionSeq;
    private readonly CtrlServices _services;
    private readonly SessionGate _gate = new();

    public CtrlConnectionHandler(MailServerContext context, ServerCertificate certificate, Core.MailAuth.IDkimKeyAdmin? dkimKeys = null)
    {
        _services = new CtrlServices(context, certificate, context.Loggers.CreateLogger("XMail.CTRL"), dkimKeys);
    }

    private ILogger Log => _services.Log;
    private XMailOptions Options => _services.Context.Options;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await using var t = new SessionTransport(connection);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, Options.Ctrl.TimeoutSeconds));
        try
        {
            if (t.Tag.ImplicitTls)
            {
                var cert = _services.Certificate.Current;
                if (cert is null)
                {
                    Log.LogError("CTRLS [{Ip}] refused: server.cert/server.key missing", t.RemoteAddress);
                    return;
                }
                await t.StartTlsAsync(cert, timeout).ConfigureAwait(false);
            }
            if (!_services.IpMap.IsAllowed(t.RemoteAddress))
            {
                Log.LogWarning("CTRL [{Ip}] refused by ctrl.ipmap.tab", t.RemoteAddress);
                await t.WriteLineAsync(ErrorCodeText.CtrlLine(ErrorCode.IpNotAllowed)).ConfigureAwait(false);
                return;
            }
            if (!_gate.TryEnter(Options.Ctrl.MaxSessions))
            {
                Log.LogWarning("CTRL [{Ip}] refused: {Max} sessions active (-CX)", t.RemoteAddress, Options.Ctrl.MaxSessions);
                await t.WriteLineAsync(ErrorCodeText.CtrlLine(ErrorCode.ServerBusy)).ConfigureAwait(false);
                return;
            }
            try
            {
                using var session = new CtrlSession(t, _services, timeout);
                Log.LogInformation("CTRL client connection from [{Ip}]", t.RemoteAddress);
                await RunAsync(session).ConfigureAwait(false);
                if (session.TimedOut) Log.LogInformation("CTRL [{Ip}] idle timeout ({Seconds}s), closing", t.RemoteAddress, timeout.TotalSeconds);
                Log.LogInformation("CTRL client exit [{Ip}]", t.RemoteAddress);
            }
            finally
            {
                _gate.Exit();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ConnectionResetException)
        {
            Log.LogInformation("CTRL [{Ip}] connection ended: {Error}", t.RemoteAddress, ex.Message);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "CTRL [{Ip}] session failed", t.RemoteAddress);
        }
    }

    private async Task RunAsync(CtrlSession s)
    {
        var timestamp = $"<{_services.Context.Time.GetUtcNow().ToUnixTimeSeconds()}.{Environment.ProcessId}{Interlocked.Increment(ref _sessionSeq)}@{s.Transport.LocalAddress}>";
        await s.WriteLineAsync($"+00000 {timestamp} {MailServerContext.ProductName} CTRL Server; {CtrlDates.Rfc2822(_services.Context.Time.GetUtcNow())}").ConfigureAwait(false);

        if (!await LoginAsync(s, timestamp).ConfigureAwait(false)) return;

        while (true)
        {
            var (line, tooLong) = await s.ReadLineAsync(CtrlSession.MaxCommandLine).ConfigureAwait(false);
            if (tooLong)
            {
                Log.LogWarning("CTRL [{Ip}] command line longer than {Max} bytes", s.PeerIp, CtrlSession.MaxCommandLine);
                await s.ReplyAsync(ErrorCode.LineTooLong).ConfigureAwait(false);
                continue;
            }
            if (line is null) return;
            if (!await CtrlCommandTable.ExecuteAsync(s, line).ConfigureAwait(false)) return;
        }
    }

    /// <summary>The login line (after an optional "#!TLS"). False: the session ends (the reason was answered).</summary>
    private async Task<bool> LoginAsync(CtrlSession s, string timestamp)
    {
        var (line, tooLong) = await s.ReadLineAsync(CtrlSession.MaxCommandLine).ConfigureAwait(false);
        if (line is null && !tooLong) return false;

        if (line == TlsInit)
        {
            var error = TlsRefusal(s);
            if (error != ErrorCode.Success)
            {
                Log.LogWarning("CTRL [{Ip}] #!TLS refused: {Error}", s.PeerIp, ErrorCodeText.Describe(error));
                await s.ReplyAsync(error).ConfigureAwait(false);
                return false;
            }
            await s.OkAsync().ConfigureAwait(false);
            await s.Transport.StartTlsAsync(_services.Certificate.Current!, TimeSpan.FromSeconds(Math.Max(1, Options.Ctrl.TimeoutSeconds))).ConfigureAwait(false);
            Log.LogInformation("CTRL [{Ip}] TLS started: {Tls}", s.PeerIp, s.Transport.TlsDescription);
            (line, tooLong) = await s.ReadLineAsync(CtrlSession.MaxCommandLine).ConfigureAwait(false);
            if (line is null && !tooLong) return false;
        }

        string[]? tokens = null;
        if (!tooLong && TabParser.Parse(line!, out var fields, out _) == TabParser.LineKind.Record) tokens = fields;
        bool ok = tokens is { Length: 2 } && _services.CtrlAccounts.Verify(tokens[0], tokens[1], timestamp);
        var user = tokens is { Length: > 0 } ? tokens[0] : "";
        if (_services.LogEnabled) _services.FileLog.Login(s.PeerIp, user, ok ? "AUTH" : "FAIL");
        if (!ok)
        {
            Log.LogWarning("CTRL [{Ip}] login failed for \"{User}\"", s.PeerIp, user);
            XMail.Fast.Core.Telemetry.XMailMetrics.AuthFailures.Add(1, XMail.Fast.Core.Telemetry.XMailMetrics.Tag("protocol", "ctrl"));
            await s.ReplyAsync(ErrorCode.BadCtrlLogin).ConfigureAwait(false);
            return false;
        }
        s.User = user;
        Log.LogInformation("CTRL [{Ip}] \"{User}\" logged in", s.PeerIp, user);
        await s.OkAsync().ConfigureAwait(false);
        return true;
    }

    private ErrorCode TlsRefusal(CtrlSession s)
    {
        if (s.Transport.IsSecure) return ErrorCode.SslAlreadyActive;
        if (!_services.Context.Config.EnableCtrlTls) return ErrorCode.SslDisabled;
        if (_services.Certificate.Current is null) return ErrorCode.SslSetcert;
        return ErrorCode.Success;
    }
}
