using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// The SMTP (port 25) and SMTPS (implicit TLS, 465) listener: each port has its session gate (-SX for SMTP; SMTPS
/// keeps its own limit, 1.27 has no switch for it) and runs one <see cref="SmtpSession"/> per connection.
/// </summary>
public sealed class SmtpConnectionHandler : SessionListener
{
    private readonly MailServerContext _ctx;
    private readonly ServerCertificate _certs;
    private readonly SmtpPolicy _policy;
    private readonly SmtpAuthenticator _auth;
    private readonly SmtpFilters _filters;
    private readonly SmtpExternalAuth _extAuth;
    private readonly DiskSpaceGuard _disk;
    private readonly SessionGate _smtpGate = new();
    private readonly SessionGate _smtpsGate = new();
    private readonly XMail.Fast.Core.MailAuth.IMailAuthenticator? _mailAuth;

    public SmtpConnectionHandler(MailServerContext ctx, ServerCertificate certs, XMail.Fast.Core.Dns.IDnsResolver? dns = null,
        XMail.Fast.Core.MailAuth.IMailAuthenticator? mailAuth = null)
        : base(certs, ctx.Loggers.CreateLogger("XMail.SMTP"))
    {
        _mailAuth = mailAuth;
        _ctx = ctx;
        _certs = certs;
        _policy = new SmtpPolicy(ctx, dns);
        _auth = new SmtpAuthenticator(ctx);
        _filters = new SmtpFilters(ctx);
        _extAuth = new SmtpExternalAuth(ctx);
        _disk = new DiskSpaceGuard(ctx.Root.Path, ctx.Time);
    }

    private ServiceOptions Service(ListenerTag tag) => tag.ImplicitTls ? _ctx.Options.Smtps : _ctx.Options.Smtp;

    private protected override CommandSession CreateSession(SessionTransport transport)
    {
        var limits = SmtpLimits.From(_ctx.Options, Service(transport.Tag), _ctx.Config);
        var senderAuth = _mailAuth is null ? null : new SmtpSenderAuth(_mailAuth, _policy, Log);
        return new SmtpSession(_ctx, transport, _certs, _policy, _auth, _filters, _extAuth, _disk, Log, limits, senderAuth);
    }

    private protected override SessionGate GateFor(ListenerTag tag) => tag.ImplicitTls ? _smtpsGate : _smtpGate;
}
