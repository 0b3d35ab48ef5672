using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Pop3;

namespace XMail.Fast.Protocols.Finger;

/// <summary>
/// FINGER (port 79, -Fp -FI -F6 -F- -Fl): finger.ipmap.tab decides who may ask (denied peers are closed without
/// a word, as in XMail 1.27), one query line is read, answered by <see cref="FingerQuery"/>, and the connection closed.
/// </summary>
public sealed class FingerConnectionHandler : ConnectionHandler
{
    private const int MaxQuery = 1024;
    private readonly MailServerContext _context;
    private readonly ILogger _log;
    private readonly Pop3DomainResolver _domains;

    public FingerConnectionHandler(MailServerContext context)
    {
        _context = context;
        _log = context.Loggers.CreateLogger("XMail.Finger");
        _domains = new Pop3DomainResolver(context);
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await using var t = new SessionTransport(connection);
        try
        {
            if (!_context.Table("finger.ipmap.tab", (p, l) => IpMap.Load(p, l)).IsAllowed(t.RemoteAddress))
            {
                _log.LogInformation("FINGER connection from [{Ip}] denied by finger.ipmap.tab", t.RemoteAddress);
                return;
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(t.Closed);
            cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _context.Options.Finger.TimeoutSeconds)));
            var (line, tooLong) = await LineReader.ReadLineAsync(t.Input, MaxQuery, cts.Token).ConfigureAwait(false);
            if (line is null) return;
            if (tooLong)
            {
                await t.WriteAsync("Invalid query\r\n").ConfigureAwait(false);
                return;
            }
            if (_context.Options.Finger.Log) WriteLog(t, line);
            _log.LogInformation("FINGER query [{Ip}] : \"{Query}\"", t.RemoteAddress, line);
            string? sockDomain = null;
            if (_context.Config.POP3Domain is not { Length: > 0 }) sockDomain = await _domains.ResolveAsync(t.LocalAddress).ConfigureAwait(false);
            await t.WriteAsync(FingerQuery.Answer(line, _context, sockDomain)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            _log.LogDebug("FINGER connection [{Ip}] ended: {Error}", t.RemoteAddress, ex.Message);
        }
    }

    private void WriteLog(SessionTransport t, string query) =>
        _context.ServiceLog("finger").Write(t.LocalAddress.ToString(), _context.Config.RootDomain, t.RemoteAddress.ToString(),
            Core.Logging.ServiceLog.Timestamp(_context.Time.GetLocalNow()), query);
}
