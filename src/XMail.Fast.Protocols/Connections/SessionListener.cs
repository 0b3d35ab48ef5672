using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// The one admission sequence every listener runs, in one order: implicit TLS (SMTPS, POP3S, CTRLS) → the service's
/// access list (ipmap) → resource check → the service's session gate → the session. Connection middleware (the
/// <see cref="ListenerTag"/>, and any reader of a PROXY protocol header, which replaces the connection's remote
/// endpoint) has already run, so every step sees the real client. One exception policy: an idle timeout gets the
/// protocol's timeout reply, a peer that left or a failed handshake is logged as such, and anything unexpected is
/// logged as an error; nothing escapes to Kestrel.
/// </summary>
public abstract class SessionListener : ConnectionHandler
{
    private readonly ServerCertificate _certificate;

    private protected SessionListener(ServerCertificate certificate, ILogger log)
    {
        _certificate = certificate;
        Log = log;
    }

    private protected ILogger Log { get; }

    /// <summary>The protocol's session for an accepted connection (no I/O yet).</summary>
    private protected abstract CommandSession CreateSession(SessionTransport transport);

    /// <summary>The gate a connection of this listener counts against (limit: the session's MaxSessions); null admits everyone.</summary>
    private protected abstract SessionGate? GateFor(ListenerTag tag);

    public sealed override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await using var t = new SessionTransport(connection);
        CommandSession? session = null;
        SessionGate? held = null;
        try
        {
            session = CreateSession(t);
            if (!await PassesChecksAsync(t, session).ConfigureAwait(false)) return;
            var gate = GateFor(t.Tag);
            if (gate is not null && !gate.TryEnter(session.Limits.MaxSessions))
            {
                Log.LogWarning("{Service} [{Ip}] refused: {Max} sessions active", t.Tag.Service, t.RemoteAddress, session.Limits.MaxSessions);
                await RefuseAsync(t, session.BusyReply).ConfigureAwait(false);
                return;
            }
            held = gate;
            // A per-client-address session limit and an early-talker check (bytes before the greeting) go here.
            await session.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await EndAfterAsync(ex, t, session).ConfigureAwait(false);
        }
        finally
        {
            held?.Exit();
        }
    }

    private async ValueTask<bool> PassesChecksAsync(SessionTransport t, CommandSession session)
    {
        if (t.Tag.ImplicitTls && !await TlsUpgrade.ImplicitAsync(t, _certificate, session.Limits.TlsHandshakeTimeout, Log).ConfigureAwait(false))
            return false;
        var refusal = await session.CheckAccessAsync().ConfigureAwait(false) ?? session.CheckResources();
        if (refusal is null) return true;
        await RefuseAsync(t, refusal.Reply).ConfigureAwait(false);
        return false;
    }

    private static async ValueTask RefuseAsync(SessionTransport t, string? reply)
    {
        if (reply is not null) await t.WriteLineAsync(reply).ConfigureAwait(false);
    }

    /// <summary>The exception policy.</summary>
    private async ValueTask EndAfterAsync(Exception ex, SessionTransport t, CommandSession? session)
    {
        try
        {
            switch (ex)
            {
                case ConnectionAbortedException:
                    Log.LogDebug("{Service} [{Ip}] connection aborted: {Error}", t.Tag.Service, t.RemoteAddress, ex.Message);
                    break;
                case OperationCanceledException when !t.Closed.IsCancellationRequested:
                    Log.LogInformation("{Service} [{Ip}] idle timeout", t.Tag.Service, t.RemoteAddress);
                    if (session?.TimeoutReply is { } reply) await t.WriteLineAsync(reply).ConfigureAwait(false);
                    break;
                case AuthenticationException:
                    Log.LogInformation("{Service} [{Ip}] TLS handshake failed: {Error}", t.Tag.Service, t.RemoteAddress, ex.Message);
                    break;
                case OperationCanceledException or IOException or ConnectionResetException:
                    Log.LogDebug("{Service} [{Ip}] connection ended: {Error}", t.Tag.Service, t.RemoteAddress, ex.Message);
                    break;
                default:
                    Log.LogError(ex, "{Service} [{Ip}] session failed", t.Tag.Service, t.RemoteAddress);
                    break;
            }
        }
        catch (Exception late)
        {
            // The timeout reply found the peer gone.
            Log.LogDebug("{Service} [{Ip}] connection ended: {Error}", t.Tag.Service, t.RemoteAddress, late.Message);
        }
    }
}
