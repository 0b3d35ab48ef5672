using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The POP3 (110) and POP3S (995, implicit TLS) listener: one instance serves every POP3 and POP3S endpoint, each
/// service with its own session gate (-PX). The global pop3.ipmap.tab and Pop3MinVirtMemSpace are the session's
/// admission checks; a <see cref="Pop3Session"/> runs the conversation.
/// </summary>
public sealed class Pop3ConnectionHandler : SessionListener
{
    private readonly Pop3Services _services;
    private readonly SessionGate _pop3Gate = new();
    private readonly SessionGate _pop3sGate = new();

    public Pop3ConnectionHandler(MailServerContext context, ServerCertificate certificate)
        : base(certificate, context.Loggers.CreateLogger("XMail.Pop3"))
    {
        _services = new Pop3Services(context, certificate, Log);
    }

    private XMailOptions Options => _services.Context.Options;

    private protected override CommandSession CreateSession(SessionTransport transport)
    {
        var service = transport.Tag.ImplicitTls ? Options.Pop3s : Options.Pop3;
        return new Pop3Session(transport, _services, service, Pop3Limits.From(Options, service, _services.Context.Config));
    }

    private protected override SessionGate GateFor(ListenerTag tag) => tag.ImplicitTls ? _pop3sGate : _pop3Gate;
}
