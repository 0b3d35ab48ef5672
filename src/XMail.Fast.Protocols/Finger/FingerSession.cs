using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Pop3;

namespace XMail.Fast.Protocols.Finger;

/// <summary>
/// One FINGER exchange: finger.ipmap.tab decides who may ask (denied peers are closed without a word, as in XMail
/// 1.27), one query line is answered by <see cref="FingerQuery"/>, and the connection closed.
/// </summary>
internal sealed class FingerSession : CommandSession
{
    /// <summary>Longest query accepted.</summary>
    public const int MaxQuery = 1024;

    private readonly MailServerContext _context;
    private readonly ILogger _log;
    private readonly Pop3DomainResolver _domains;

    public FingerSession(SessionTransport transport, MailServerContext context, ILogger log, Pop3DomainResolver domains)
        : base(transport, FingerLimits(context.Options), context.Time)
    {
        _context = context;
        _log = log;
        _domains = domains;
    }

    /// <summary>The FINGER timeout (1.27 has no switch for it) bounds the wait for the query; no session limit (no -FX either).</summary>
    private static SessionLimits FingerLimits(XMailOptions o)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, o.Finger.TimeoutSeconds));
        return new SessionLimits(MaxQuery, timeout, timeout, int.MaxValue);
    }

    public override string? BusyReply => null;

    public override ValueTask<Refusal?> CheckAccessAsync()
    {
        if (_context.Table("finger.ipmap.tab", (p, l) => IpMap.Load(p, l)).IsAllowed(Transport.RemoteAddress)) return default;
        _log.LogInformation("FINGER connection from [{Ip}] denied by finger.ipmap.tab", Transport.RemoteAddress);
        return ValueTask.FromResult<Refusal?>(Refusal.Silent);
    }

    /// <summary>FINGER has no greeting: the client speaks first.</summary>
    protected override void Greet() { }

    protected override async ValueTask HandleAsync(CommandRead read)
    {
        Ended = true;
        if (read == CommandRead.TooLong)
        {
            Transport.Buffer("Invalid query\r\n");
            return;
        }
        string line = Reader.LineText();
        if (_context.Options.Finger.Log) WriteLog(line);
        _log.LogInformation("FINGER query [{Ip}] : \"{Query}\"", Transport.RemoteAddress, line);
        string? sockDomain = null;
        if (_context.Config.POP3Domain is not { Length: > 0 }) sockDomain = await _domains.ResolveAsync(Transport.LocalAddress).ConfigureAwait(false);
        Transport.Buffer(FingerQuery.Answer(line, _context, sockDomain));
    }

    private void WriteLog(string query) =>
        _context.ServiceLog("finger").Write(Transport.LocalAddress.ToString(), _context.Config.RootDomain, Transport.RemoteAddress.ToString(),
            Core.Logging.ServiceLog.Timestamp(_context.Time.GetLocalNow()), query);
}
