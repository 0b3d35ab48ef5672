using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>XMail 1.27's POP3 reply texts, in one table (multi-part replies are assembled from the parts here).</summary>
public static class Pop3Replies
{
    public static readonly string ServerName = "[" + MailServerContext.ProductName + " POP3 Server]";

    // Admission.
    public const string AccessDenied = "-ERR Access from your IP is not allowed";
    public const string NoResources = "-ERR Server resources temporarily unavailable";
    public const string Busy = "-ERR Server too busy";

    // Grammar.
    public const string UnknownCommand = "-ERR Invalid command";
    public const string NotValidHere = "-ERR Command not valid here";
    public const string Syntax = "-ERR Invalid syntax";
    public const string LineTooLong = "-ERR Command line too long";

    // AUTHORIZATION.
    public const string BadUserName = "-ERR Invalid username";
    public const string PasswordRequired = "+OK Password required for ";
    public const string BadLogin = "-ERR Invalid auth or access denied";
    public const string MailboxInUse = "-ERR [IN-USE] Mailbox locked by another session";
    public const string MailboxUnreadable = "-ERR Unable to read the mailbox";

    // STLS (RFC 2595).
    public const string TlsReady = "+OK Begin TLS negotiation";
    public const string TlsActive = "-ERR Command not permitted when TLS active";
    public const string TlsDisabled = "-ERR Command disabled";
    public const string TlsSetupError = "-ERR Server TLS setup error";

    // TRANSACTION.
    public const string OkPrefix = "+OK ";
    public const string MaildropPrefix = "+OK Maildrop has ";
    public const string TopPrefix = "+OK message is ";
    public const string Deleted = "+OK Message deleted";
    public const string AlreadyDeleted = "-ERR Message deleted";
    public const string OutOfRange = "-ERR Message out of range";
    public const string NoSuchMessage = "-ERR No such message";
    public const string CannotOpenMessage = "-ERR Unable to open message file";
    public const string EndOfList = ".";

    public static string Greeting(string timestamp, string date) => "+OK " + timestamp + " " + ServerName + " service ready; " + date;
    public static string Goodbye => "+OK " + ServerName + " closing session";

    /// <summary>The CAPA list (RFC 2449) with its terminator; STLS only while it can be honoured.</summary>
    public static string Capabilities(bool tls) =>
        "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\n" + (tls ? "STLS\r\n" : "") +
        "IMPLEMENTATION " + ServerName + "\r\n.\r\n";

    public static string ForTls(TlsRefusal refusal) => refusal switch
    {
        TlsRefusal.AlreadySecure => TlsActive,
        TlsRefusal.Disabled => TlsDisabled,
        _ => TlsSetupError,
    };
}
