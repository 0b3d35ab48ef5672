using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>Every bound a POP3 peer meets, in one place (command line switches and server.tab).</summary>
public sealed record Pop3Limits(int MaxCommandLine, TimeSpan IdleTimeout, TimeSpan TlsHandshakeTimeout, int MaxSessions,
    int BadLoginWaitSeconds, bool HangOnBadLogin, long MinVirtMemKb)
{
    /// <summary>Longest accepted command line (XMail 1.27 reads 1023 bytes).</summary>
    public const int CommandLineLimit = 1024;

    /// <summary>Deadline of the TLS handshake (POP3S and STLS).</summary>
    public static readonly TimeSpan TlsHandshake = TimeSpan.FromSeconds(30);

    /// <summary>The bounds the session skeleton applies.</summary>
    public SessionLimits Session => new(MaxCommandLine, IdleTimeout, TlsHandshakeTimeout, MaxSessions);

    /// <summary>
    /// -Pt idle timeout (POP3S keeps its own, 1.27 has no switch for it); -PX sessions, counted separately for POP3
    /// and POP3S with the same value (1.27 has no -BX); -Pw first bad-login delay, doubled at each further one; -Ph
    /// hang up on a bad login instead; Pop3MinVirtMemSpace (KB) checked before the greeting.
    /// </summary>
    public static Pop3Limits From(XMailOptions o, ServiceOptions service, ServerConfig cfg) => new(
        CommandLineLimit,
        TimeSpan.FromSeconds(Math.Max(1, service.TimeoutSeconds)),
        TlsHandshake,
        o.Pop3.MaxSessions,
        o.Pop3BadLoginWaitSeconds,
        o.Pop3HangOnBadLogin,
        cfg.Pop3MinVirtMemSpaceKb);
}
