using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The POP3 (110) and POP3S (995, implicit TLS) listeners: global pop3.ipmap.tab, the -PX session limit and
/// Pop3MinVirtMemSpace are checked before the greeting, then a <see cref="Pop3Session"/> runs the conversation.
/// </summary>
public sealed class Pop3ConnectionHandler : ConnectionHandler
{
    private readonly MailServerContext _context;
    private readonly ServerCertificate _certificate;
    private readonly Pop3Services _services;
    private readonly SessionGate _gate = new();
    private readonly ILogger _log;

    public Pop3ConnectionHandler(MailServerContext context, ServerCertificate certificate)
    {
        _context = context;
        _certificate = certificate;
        _services = new Pop3Services(context);
        _log = context.Loggers.CreateLogger("XMail.Pop3");
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await using var t = new SessionTransport(connection);
        var options = t.Tag.ImplicitTls ? _context.Options.Pop3s : _context.Options.Pop3;
        try
        {
            if (t.Tag.ImplicitTls)
            {
                var cert = _certificate.Current;
                if (cert is null)
                {
                    _log.LogWarning("POP3S connection from [{Ip}] refused: no server.cert/server.key", t.RemoteAddress);
                    return;
                }
                await t.StartTlsAsync(cert, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            if (!_context.Table("pop3.ipmap.tab", (p, l) => IpMap.Load(p, l)).IsAllowed(t.RemoteAddress))
            {
                _log.LogInformation("POP3 connection from [{Ip}] denied by pop3.ipmap.tab", t.RemoteAddress);
                await t.WriteLineAsync("-ERR Access from your IP is not allowed").ConfigureAwait(false);
                return;
            }
            long minMemKb = _context.Config.Pop3MinVirtMemSpaceKb;
            if (minMemKb > 0 && AvailableMemoryKb() < minMemKb)
            {
                _log.LogWarning("POP3 connection from [{Ip}] refused: less than Pop3MinVirtMemSpace available", t.RemoteAddress);
                await t.WriteLineAsync("-ERR Server resources temporarily unavailable").ConfigureAwait(false);
                return;
            }
            int max = _context.Options.Pop3.MaxSessions;
            if (!_gate.TryEnter(max))
            {
                _log.LogWarning("POP3 connection from [{Ip}] refused: {Max} sessions (-PX) busy", t.RemoteAddress, max);
                await t.WriteLineAsync("-ERR Server too busy").ConfigureAwait(false);
                return;
            }
            try
            {
                _log.LogDebug("POP3 client connection from [{Ip}]", t.RemoteAddress);
                await new Pop3Session(_context, t, _certificate, _services, options, _log).RunAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Exit();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            _log.LogDebug("POP3 connection [{Ip}] ended: {Error}", t.RemoteAddress, ex.Message);
        }
    }

    private static long AvailableMemoryKb()
    {
        var info = GC.GetGCMemoryInfo();
        return Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes) / 1024;
    }
}
