using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// Every move of a session to TLS: implicit TLS from the first byte (SMTPS, POP3S, CTRLS) and the in-place upgrade
/// commands (STARTTLS, STLS, "#!TLS"). Implicit TLS is done here, in the session, not by Kestrel's TLS middleware,
/// so one handler type serves a protocol's plain and TLS ports and both upgrade paths share the handshake and its
/// deadline. A handshake that fails or runs out of time surfaces as <see cref="AuthenticationException"/>.
/// </summary>
internal static class TlsUpgrade
{
    /// <summary>Whether an upgrade command can be honoured now (the guard the protocols' state tables name).</summary>
    public static TlsRefusal Check(SessionTransport t, bool enabled, ServerCertificate certificate) =>
        t.IsSecure ? TlsRefusal.AlreadySecure
        : !enabled ? TlsRefusal.Disabled
        : certificate.Current is null ? TlsRefusal.NoCertificate
        : TlsRefusal.None;

    /// <summary>Implicit TLS before anything else is said; false (logged) when there is no certificate to offer.</summary>
    public static async ValueTask<bool> ImplicitAsync(SessionTransport t, ServerCertificate certificate, TimeSpan timeout, ILogger log)
    {
        if (certificate.Current is null)
        {
            log.LogWarning("{Service} [{Ip}] refused: no server.cert/server.key", t.Tag.Service, t.RemoteAddress);
            return false;
        }
        await HandshakeAsync(t, certificate, timeout).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Answers an upgrade command (already consumed, its guard passed) and runs the handshake. Bytes the client
    /// pipelined behind the command would otherwise be read as if they had come over TLS (command injection,
    /// CVE-2011-0411), so they are never executed: with <paramref name="pipelinedRefusal"/> the upgrade is refused
    /// with that reply and false is returned (the caller ends the session); without it they are dropped before the
    /// handshake. Replies already buffered leave with <paramref name="ready"/> in one write.
    /// </summary>
    public static async ValueTask<bool> UpgradeAsync(SessionTransport t, ServerCertificate certificate, string ready,
        string? pipelinedRefusal, TimeSpan timeout)
    {
        if (t.Input.TryRead(out var pending))
        {
            bool pipelined = pending.Buffer.Length > 0;
            if (pipelined && pipelinedRefusal is not null)
            {
                t.Input.AdvanceTo(pending.Buffer.Start);
                t.BufferLine(pipelinedRefusal);
                return false;
            }
            t.Input.AdvanceTo(pending.Buffer.End);
        }
        t.BufferLine(ready);
        await t.FlushAsync().ConfigureAwait(false);
        await HandshakeAsync(t, certificate, timeout).ConfigureAwait(false);
        return true;
    }

    private static async Task HandshakeAsync(SessionTransport t, ServerCertificate certificate, TimeSpan timeout)
    {
        var cert = certificate.Current ?? throw new AuthenticationException("server.cert/server.key vanished");
        try
        {
            await t.StartTlsAsync(cert, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!t.Closed.IsCancellationRequested)
        {
            // Not the session's idle timeout: nothing may be answered in clear text on a half-made TLS link.
            throw new AuthenticationException($"TLS handshake not done within {timeout.TotalSeconds:0} s");
        }
    }
}
