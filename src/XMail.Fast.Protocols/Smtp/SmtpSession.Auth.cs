using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    private static readonly string[] BuiltinAuths = ["LOGIN", "PLAIN", "CRAM-MD5"];

    /// <summary>The AUTH mechanisms to offer: smtpextauth.tab's when it has records, else LOGIN PLAIN CRAM-MD5; SmtpNoTLSAuths filters them on clear-text links.</summary>
    private string AdvertisedAuths()
    {
        var names = _extAuth.Names is { Count: > 0 } ext ? ext.ToArray() : BuiltinAuths;
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
        if (!MechanismAllowedNow(mechanism))
        {
            Error(SmtpReplies.AuthNotAllowed);
            return;
        }

        string? user = null;
        SmtpPermissions? perms = null;
        var extNames = _extAuth.Names;
        bool external = extNames.Count > 0;
        // With smtpextauth.tab in use only its mechanisms exist (they are all EHLO offers).
        if (external && !extNames.Contains(mechanism))
        {
            Error(SmtpReplies.AuthNotAllowed);
            return;
        }
        switch (mechanism)
        {
            case "PLAIN":
            {
                // RFC 4616: [authzid] NUL authcid NUL passwd. XMail 1.27 answers a missing argument with 501.
                if (initial is null)
                {
                    Error(SmtpReplies.SyntaxError);
                    return;
                }
                var decoded = DecodeBase64(initial);
                var fields = decoded?.Split('\0');
                if (fields is not { Length: 3 } || fields[1].Length == 0)
                {
                    Error(SmtpReplies.SyntaxError);
                    return;
                }
                user = fields[1];
                perms = external
                    ? await _extAuth.AuthenticateAsync(mechanism, user, fields[2], null, null).ConfigureAwait(false)
                    : _auth.CheckPassword(user, fields[2]);
                break;
            }
            case "LOGIN":
            {
                string? u64 = initial;
                if (u64 is null)
                {
                    Reply("334 VXNlcm5hbWU6");
                    u64 = await ReadAuthLineAsync().ConfigureAwait(false);
                    if (u64 is null) return;
                }
                var u = DecodeBase64(u64);
                if (u is null || u.Length == 0)
                {
                    Error(SmtpReplies.SyntaxError);
                    return;
                }
                Reply("334 UGFzc3dvcmQ6");
                var p64 = await ReadAuthLineAsync().ConfigureAwait(false);
                if (p64 is null) return;
                var p = DecodeBase64(p64);
                if (p is null)
                {
                    Error(SmtpReplies.SyntaxError);
                    return;
                }
                user = u;
                perms = external
                    ? await _extAuth.AuthenticateAsync(mechanism, user, p, null, null).ConfigureAwait(false)
                    : _auth.CheckPassword(user, p);
                break;
            }
            case "CRAM-MD5":
            {
                Reply("334 " + Convert.ToBase64String(Encoding.Latin1.GetBytes(_timestamp)));
                var r64 = await ReadAuthLineAsync().ConfigureAwait(false);
                if (r64 is null) return;
                var response = DecodeBase64(r64);
                int sp = response?.LastIndexOf(' ') ?? -1;
                if (response is null || sp <= 0 || sp == response.Length - 1)
                {
                    Error(SmtpReplies.SyntaxError);
                    return;
                }
                user = response[..sp];
                var digest = response[(sp + 1)..];
                perms = external
                    ? await _extAuth.AuthenticateAsync(mechanism, user, null, _timestamp, digest).ConfigureAwait(false)
                    : _auth.CheckCramMd5(user, _timestamp, digest);
                break;
            }
            default:
                Error(SmtpReplies.AuthNotAllowed);
                return;
        }

        if (perms is null)
        {
            _log.LogInformation("SMTP {Peer}: AUTH {Mechanism} failed for {User}", _peer.Address, mechanism, user);
            Core.Telemetry.XMailMetrics.AuthFailures.Add(1, Core.Telemetry.XMailMetrics.Tag("protocol", "smtp"));
            Error(SmtpReplies.AuthFailed);
            return;
        }
        _peer.AuthUser = user;
        _peer.Perms = perms.Value;
        _log.LogInformation("SMTP {Peer}: AUTH {Mechanism} as {User} ({Perms})", _peer.Address, mechanism, user, perms.Value);
        Reply(SmtpReplies.AuthOk);
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

    private static string? DecodeBase64(string text)
    {
        if (text == "*" || text.Length == 0) return null;
        var bytes = new byte[(text.Length * 3 + 3) / 4];
        return Convert.TryFromBase64String(text, bytes, out int n) ? Encoding.UTF8.GetString(bytes, 0, n) : null;
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
