using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>Every bound a CTRL peer meets, in one place.</summary>
public sealed record CtrlLimits(int MaxCommandLine, int MaxUploadLine, int MaxUploadBytes, TimeSpan IdleTimeout, int MaxSessions)
{
    /// <summary>Longest command line accepted (XMail 1.27 used 4 KB; uservarsset lines can be longer).</summary>
    public const int CommandLineLimit = 16 * 1024;
    /// <summary>Longest line of an uploaded file.</summary>
    public const int UploadLineLimit = 64 * 1024;
    /// <summary>Largest uploaded file (mailproc.tab, custom domain file, configuration file).</summary>
    public const int UploadBytesLimit = 16 * 1024 * 1024;

    /// <summary>The bounds the session skeleton applies; the idle timeout also bounds the TLS handshake.</summary>
    public SessionLimits Session => new(MaxCommandLine, IdleTimeout, IdleTimeout, MaxSessions);

    /// <summary>-Ct idle timeout and -CX sessions, both for CTRL and CTRLS together (1.27 has no -W switches for them).</summary>
    public static CtrlLimits From(XMailOptions o) => new(
        CommandLineLimit,
        UploadLineLimit,
        UploadBytesLimit,
        TimeSpan.FromSeconds(Math.Max(1, o.Ctrl.TimeoutSeconds)),
        o.Ctrl.MaxSessions);
}
