using XMail.Fast.Core;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>A failure CtrlClnt reports on stderr (XMail's "ErrCode/ErrString/ErrInfo" lines) before exiting 4.</summary>
public sealed class CtrlClntException(ErrorCode code, string errorString, string info) : Exception(errorString + ": " + info)
{
    public ErrorCode Code { get; } = code;
    public string ErrorString { get; } = errorString;
    public string Info { get; } = info;

    /// <summary>The three lines XMail 1.27's CtrlClnt prints (XMail's error numbers are negative).</summary>
    public string Report =>
        $"ErrCode   = {-(int)Code}\nErrString = {ErrorString}\nErrInfo   = {Info}\n";

    public static CtrlClntException ServerError(CtrlReply reply) =>
        new(ErrorCode.CclnErrorResponse, "Controller response error", $"-{reply.Code:D5} {reply.Text}");

    public static CtrlClntException InvalidResponse(string line) =>
        new(ErrorCode.CclnInvalidResponse, "Invalid controller response", line);
}
