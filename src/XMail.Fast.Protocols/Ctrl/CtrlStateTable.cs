using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// The CTRL session grammar in one table:
/// <code>
/// state              input                                     next
/// NotAuthenticated   "#!TLS" (first line; guard: no TLS yet,   NotAuthenticated (over TLS)
///                    EnableCTRL-TLS, a certificate)
///                    login line, accepted                      Authenticated (a refused login closes)
/// Authenticated      a command of CtrlCommandTable             Authenticated ("quit" closes)
///                    usersetmproc / custdomset / cfgfileset    Uploading
/// Uploading          data lines                                Uploading
///                    "."                                       Authenticated
/// </code>
/// Anything else is a programming error: the session never asks for it.
/// </summary>
public static class CtrlStateTable
{
    /// <summary>The state after <paramref name="input"/> in <paramref name="state"/>; null when the grammar has no such step.</summary>
    public static CtrlState? After(CtrlState state, CtrlInput input) => (state, input) switch
    {
        (CtrlState.NotAuthenticated, CtrlInput.TlsInit) => CtrlState.NotAuthenticated,
        (CtrlState.NotAuthenticated, CtrlInput.Login) => CtrlState.Authenticated,
        (CtrlState.Authenticated, CtrlInput.Command) => CtrlState.Authenticated,
        (CtrlState.Authenticated, CtrlInput.UploadStart) => CtrlState.Uploading,
        (CtrlState.Uploading, CtrlInput.UploadLine) => CtrlState.Uploading,
        (CtrlState.Uploading, CtrlInput.UploadEnd) => CtrlState.Authenticated,
        _ => null,
    };

    /// <summary>What <paramref name="input"/> needs besides an allowing state.</summary>
    public static CommandGuard GuardOf(CtrlInput input) => input == CtrlInput.TlsInit ? CommandGuard.TlsUpgrade : CommandGuard.None;
}
