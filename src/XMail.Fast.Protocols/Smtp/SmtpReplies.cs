using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>XMail 1.27's reply texts (observed on the wire), in one table.</summary>
public static class SmtpReplies
{
    public static readonly string ServerName = "[" + MailServerContext.ProductName + " ESMTP Server]";

    public const string Ok = "250 OK";
    public const string StartData = "354 Start mail input; end with <CRLF>.<CRLF>";
    public const string BadSequence = "503 Bad sequence of commands";
    public const string Unrecognized = "500 Syntax error, command unrecognized";
    public const string SyntaxError = "501 Syntax error in parameters or arguments";
    public const string LineTooLong = "500 Syntax error, line too long";
    public const string NulInCommand = "500 Syntax error, NUL character not allowed";
    public const string TooManyRecipients = "552 Too many recipients";
    public const string MessageTooBig = "552 Message exceeds fixed maximum message size";
    public const string AuthOk = "235 Authentication successful";
    public const string AuthFailed = "503 Authentication failed";
    public const string AuthNotAllowed = "504 Unrecognized authentication type";
    public const string TlsReady = "220 Ready to start TLS";
    public const string TlsUnavailable = "454 TLS not available due to temporary reason";
    public const string LocalError = "451 Requested action aborted: local error in processing";
    public const string VrfyDisabled = "252 Argument not checked";
    public const string VrfyNoMatch = "550 String does not match anything";
    public const string EtrnDisabled = "501 Command not accepted";
    public const string BareLineEnd = "554 Bare LF or CR in message data; lines must end with CRLF";
    public const string NulInData = "554 NUL character in message data";
    public const string DataLineTooLong = "554 Message line too long";
    public const string ParameterSyntax = "501 Syntax error in parameters or arguments";
    public const string BadSizeParameter = "501 Syntax error in SIZE parameter";
    public const string BadBodyParameter = "501 Syntax error in BODY parameter";
    public const string UnsupportedBody = "555 BODY type not supported";
    public const string UnsupportedParameter = "555 MAIL FROM/RCPT TO parameters not recognized or not implemented";
    public const string InsufficientStorage = "452 Requested action not taken: insufficient system storage";

    public static string Goodbye => "221 " + ServerName + " service closing transmission channel";
    public static string Busy => "421 " + ServerName + " - Server too busy";
    public static string Timeout => "421 " + ServerName + " - Timeout";
    public static string TooManyErrors => "421 " + ServerName + " - Too many errors";
    public static string StartTlsPipelined => "421 " + ServerName + " - Data pipelined after STARTTLS";

    public static string Help =>
        "214-HELO EHLO MAIL RCPT DATA AUTH STARTTLS\r\n214-RSET VRFY ETRN NOOP HELP QUIT\r\n214 For more information please visit : http://www.xmailserver.org";

    public static string PathError(int code) => "501 Syntax error in parameters or arguments: (" + code + ")";

    public static string ForData(DataViolation v) =>
        (v & DataViolation.TooBig) != 0 ? MessageTooBig
        : (v & (DataViolation.BareLf | DataViolation.BareCr)) != 0 ? BareLineEnd
        : (v & DataViolation.Nul) != 0 ? NulInData
        : DataLineTooLong;
}
