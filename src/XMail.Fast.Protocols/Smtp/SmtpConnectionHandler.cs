using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// The SMTP (port 25) and SMTPS (implicit TLS, 465) listener: enforces -SX/-XX session limits ("421 Server too
/// busy" beyond them) and runs one <see cref="SmtpSession"/> per connection.
/// </summary>
public sealed class SmtpConnectionHandler : ConnectionHandler
{
    private readonly MailServerContext _ctx;
    private readonly ServerCertificate _certs;
    private readonly SmtpPolicy _policy;
    private readonly SmtpAuthenticator _auth;
    private readonly SmtpFilters _filters;
    private readonly SmtpExternalAuth _extAuth;
    private readonly DiskSpaceGuard _disk;
    private readonly ILogger _log;
    private readonly SessionGate _smtpGate = new();
    private readonly SessionGate _smtpsGate = new();
    private readonly XMail.Fast.Core.MailAuth.IMailAuthenticator? _mailAuth;

    public SmtpConnectionHandler(MailServerContext ctx, ServerCertificate certs, XMail.Fast.Core.Dns.IDnsResolver? dns = null,
        XMail.Fast.Core.MailAuth.IMailAuthenticator? mailAuth = null)
    {
        _mailAuth = mailAuth;
        _ctx = ctx;
        _certs = certs;
        _policy = new SmtpPolicy(ctx, dns);
        _auth = new SmtpAuthenticator(ctx);
        _filters = new SmtpFilters(ctx);
        _extAuth = new SmtpExternalAuth(ctx);
        _disk = new DiskSpaceGuard(ctx.Root.Path, ctx.Time);
        _log = ctx.Loggers.CreateLogger("XMail.SMTP");
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await using var t = new SessionTransport(connection);
        bool smtps = t.Tag.ImplicitTls;
        var service = smtps ? _ctx.Options.Smtps : _ctx.Options.Smtp;
        var gate = smtps ? _smtpsGate : _smtpGate;
        if (!gate.TryEnter(service.MaxSessions))
        {
            _log.LogWarning("SMTP {Peer}: {Max} sessions active, refused", t.RemoteAddress, service.MaxSessions);
            if (!smtps)
            {
                try { await t.WriteLineAsync(SmtpReplies.Busy).ConfigureAwait(false); } catch { /* peer gone */ }
            }
            return;
        }
        try
        {
            var senderAuth = _mailAuth is null ? null : new SmtpSenderAuth(_mailAuth, _policy, _log);
            await new SmtpSession(_ctx, t, _certs, _policy, _auth, _filters, _extAuth, _disk, _log, service, senderAuth).RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "SMTP {Peer}: session failed", t.RemoteAddress);
        }
        finally
        {
            gate.Exit();
        }
    }
}
