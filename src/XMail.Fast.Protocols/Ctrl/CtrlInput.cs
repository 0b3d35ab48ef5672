namespace XMail.Fast.Protocols.Ctrl;

/// <summary>What a CTRL line (or the session's answer to it) is, for <see cref="CtrlStateTable"/>.</summary>
public enum CtrlInput : byte
{
    /// <summary>"#!TLS" as the first line: upgrade to TLS in place, then the login follows.</summary>
    TlsInit,
    /// <summary>The login line ("user" TAB "password" or "#md5"), accepted.</summary>
    Login,
    /// <summary>A command line of <see cref="CtrlCommandTable"/>.</summary>
    Command,
    /// <summary>An upload command answered "+00101 OK" (usersetmproc, custdomset, cfgfileset).</summary>
    UploadStart,
    /// <summary>A line of the uploaded file.</summary>
    UploadLine,
    /// <summary>The "." that ends the upload.</summary>
    UploadEnd,
}
