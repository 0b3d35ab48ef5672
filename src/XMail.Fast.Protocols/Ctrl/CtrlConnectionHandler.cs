using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// The CTRL administration listener ("XMAIL ADMIN PROTOCOL") on the CTRL port and, with implicit TLS, on CTRLS. One
/// instance serves both, and -CX counts their sessions together (1.27 has no switch for CTRLS alone). ctrl.ipmap.tab
/// is the session's admission check; a <see cref="CtrlSession"/> runs the conversation.
/// </summary>
public sealed class CtrlConnectionHandler : SessionListener
{
    private readonly CtrlServices _services;
    private readonly SessionGate _gate = new();

    public CtrlConnectionHandler(MailServerContext context, ServerCertificate certificate, Core.MailAuth.IDkimKeyAdmin? dkimKeys = null)
        : base(certificate, context.Loggers.CreateLogger("XMail.CTRL"))
    {
        _services = new CtrlServices(context, certificate, Log, dkimKeys);
    }

    private protected override CommandSession CreateSession(SessionTransport transport) =>
        new CtrlSession(transport, _services, CtrlLimits.From(_services.Context.Options));

    private protected override SessionGate GateFor(ListenerTag tag) => _gate;
}
