namespace XMail.Fast.Protocols.Ctrl;

/// <summary>Where a CTRL session is ("XMAIL ADMIN PROTOCOL"); see <see cref="CtrlStateTable"/>.</summary>
public enum CtrlState : byte
{
    /// <summary>Greeted; the next line is "#!TLS" or the login.</summary>
    NotAuthenticated,
    /// <summary>Logged in: command lines.</summary>
    Authenticated,
    /// <summary>After "+00101 OK": the lines of a file, up to ".".</summary>
    Uploading,
}
