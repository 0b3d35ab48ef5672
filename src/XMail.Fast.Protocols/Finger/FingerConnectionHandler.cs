using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Pop3;

namespace XMail.Fast.Protocols.Finger;

/// <summary>The FINGER listener (port 79, -Fp -FI -F6 -F- -Fl): no TLS, no session limit (1.27 has no -FX).</summary>
public sealed class FingerConnectionHandler : SessionListener
{
    private readonly MailServerContext _context;
    private readonly Pop3DomainResolver _domains;

    public FingerConnectionHandler(MailServerContext context, ServerCertificate certificate)
        : base(certificate, context.Loggers.CreateLogger("XMail.Finger"))
    {
        _context = context;
        _domains = new Pop3DomainResolver(context);
    }

    private protected override CommandSession CreateSession(SessionTransport transport) =>
        new FingerSession(transport, _context, Log, _domains);

    private protected override SessionGate? GateFor(ListenerTag tag) => null;
}
