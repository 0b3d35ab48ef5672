using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Smtp.Sasl;

namespace XMail.Fast.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>The AUTH mechanisms to offer: smtpextauth.tab's when it has records, else LOGIN PLAIN CRAM-MD5; SmtpNoTLSAuths filters them on clear-text links.</summary>
    private string AdvertisedAuths()
    {
        var names = _extAuth.Names is { Count: > 0 } ext ? ext.ToArray() : SaslMechanism.Builtin.Select(m => m.Name).ToArray();
        return string.Join(' ', names.Where(MechanismAllowedNow));
    }

    private bool MechanismAllowedNow(string mechanism)
    {
        if (_peer.Secure) return true;
        var list = _ctx.Config.SmtpNoTLSAuths;
        if (list is null) return true;
        return list.Split(',', StringSplitOptions.TrimEntries).Any(m => m.Equals(mechanism, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>AUTH mechanism [initial-response] (once per session: the state table's guard).</summary>
    private async ValueTask AuthAsync(string arg)
    {
        var parts = arg.Trim(' ').Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            Error(SmtpReplies.SyntaxError);
            return;
        }
        var mechanism = parts[0].ToUpperInvariant();
        string? initial = parts.Length > 1 ? parts[1].Trim() : null;
        var extNames = _extAuth.Names;
        bool external = extNames.Count > 0;
        // With smtpextauth.tab in use only its mechanisms exist (they are all EHLO offers).
        if (!MechanismAllowedNow(mechanism) || (external && !extNames.Contains(mechanism)) || SaslMechanism.Find(mechanism) is not { } sasl)
        {
            Error(SmtpReplies.AuthNotAllowed);
            return;
        }
        if (await ExchangeAsync(sasl, initial).ConfigureAwait(false) is not { } credentials) return;
        var perms = await VerifyAsync(mechanism, credentials, external).ConfigureAwait(false);
        if (perms is null)
        {
            _log.LogInformation("SMTP {Peer}: AUTH {Mechanism} failed for {User}", _peer.Address, mechanism, credentials.User);
            Core.Telemetry.XMailMetrics.AuthFailures.Add(1, Core.Telemetry.XMailMetrics.Tag("protocol", "smtp"));
            Error(SmtpReplies.AuthFailed);
            return;
        }
        _peer.AuthUser = credentials.User;
        _peer.Perms = perms.Value;
        _log.LogInformation("SMTP {Peer}: AUTH {Mechanism} as {User} ({Perms})", _peer.Address, mechanism, credentials.User, perms.Value);
        Reply(SmtpReplies.AuthOk);
    }

    /// <summary>Sends the mechanism's challenges and collects the answers; null when answered with 501 or the peer left.</summary>
    private async ValueTask<SaslCredentials?> ExchangeAsync(SaslMechanism sasl, string? initial)
    {
        List<string>? responses = null;
        while (true)
        {
            var step = sasl.Next(initial, (IReadOnlyList<string>?)responses ?? [], _timestamp);
            if (step.Kind == SaslStepKind.Done) return step.Credentials;
            if (step.Kind == SaslStepKind.Malformed)
            {
                Error(SmtpReplies.SyntaxError);
                return null;
            }
            Reply("334 " + step.Challenge);
            if (await ReadAuthLineAsync().ConfigureAwait(false) is not { } answer) return null;
            (responses ??= new List<string>(2)).Add(answer);
        }
    }

    /// <summary>smtpextauth.tab's program when it is in use, else smtpauth.tab / the mail accounts.</summary>
    private async ValueTask<SmtpPermissions?> VerifyAsync(string mechanism, SaslCredentials c, bool external)
    {
        if (c.Password is { } password)
            return external
                ? await _extAuth.AuthenticateAsync(mechanism, c.User, password, null, null).ConfigureAwait(false)
                : _auth.CheckPassword(c.User, password);
        return external
            ? await _extAuth.AuthenticateAsync(mechanism, c.User, null, _timestamp, c.Digest).ConfigureAwait(false)
            : _auth.CheckCramMd5(c.User, _timestamp, c.Digest!);
    }

    /// <summary>One SASL continuation line (flushes the 334 first); null when the peer closed. "*" cancels (501).</summary>
    private async ValueTask<string?> ReadAuthLineAsync()
    {
        var read = await Reader.ReadLineAsync().ConfigureAwait(false);
        if (read == CommandRead.Closed)
        {
            Ended = true;
            return null;
        }
        if (read == CommandRead.TooLong) return "";
        return Reader.LineText().Trim();
    }

    // ------------------------------------------------------------------ STARTTLS

    /// <summary>STARTTLS, its guard passed (no TLS yet, TLS enabled, a certificate).</summary>
    private async ValueTask StartTlsAsync()
    {
        if (!await TlsUpgrade.UpgradeAsync(_t, _certs, SmtpReplies.TlsReady, SmtpReplies.StartTlsPipelined, _limits.TlsHandshakeTimeout).ConfigureAwait(false))
        {
            _log.LogWarning("SMTP {Peer}: data pipelined after STARTTLS, disconnected", _peer.Address);
            Ended = true;
            return;
        }
        // RFC 3207 §4.2: forget everything learnt before TLS.
        _peer.Secure = true;
        _peer.HeloDomain = null;
        _peer.AuthUser = null;
        _peer.Perms = SmtpPermissions.None;
        ResetTransaction();
        _state = SmtpState.Connected;
    }
}
