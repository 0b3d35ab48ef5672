using System.Text;

namespace XMail.Fast.Core;

/// <summary>The text that follows "-DDDDD " in CTRL replies and error logs (XMail 1.27 wording where it was observed).</summary>
public static class ErrorCodeText
{
    private static readonly Dictionary<ErrorCode, string> Known = new()
    {
        [ErrorCode.Success] = "OK",
        [ErrorCode.BadCtrlCommand] = "Bad CTRL command syntax",
        [ErrorCode.DomainNotHandled] = "POP3 domain not handled",
        [ErrorCode.RecordNotFound] = "Record not found in TAB file",
        [ErrorCode.NoMailprocFile] = "User mail processing file not present",
        [ErrorCode.UserExist] = "User already exist",
        [ErrorCode.UserNotFound] = "User not found",
        [ErrorCode.BadCtrlLogin] = "Bad controller login",
        [ErrorCode.IpNotAllowed] = "Access from your IP is not allowed",
        [ErrorCode.DomainAlreadyHandled] = "Domain already handled",
        [ErrorCode.AliasExist] = "Alias already exist",
        [ErrorCode.AliasNotFound] = "Alias not found",
        [ErrorCode.ExtaliasExist] = "External alias already exist",
        [ErrorCode.ExtaliasNotFound] = "External alias not found",
        [ErrorCode.LinkExist] = "POP3 link already exist",
        [ErrorCode.LinkNotFound] = "POP3 link not found",
        [ErrorCode.UserNotMailinglist] = "User is not a mailing list",
        [ErrorCode.MluserAlreadyExist] = "Mailing list user already exist",
        [ErrorCode.MluserNotFound] = "Mailing list user not found",
        [ErrorCode.NotACustomDomain] = "Not a custom domain",
        [ErrorCode.SpoolFileNotFound] = "Spool file not found",
        [ErrorCode.FileOpen] = "Unable to open file",
        [ErrorCode.InvalidPassword] = "Invalid password",
        [ErrorCode.ServerBusy] = "Server too busy",
        [ErrorCode.LineTooLong] = "Line too long",
        [ErrorCode.UserVarNotFound] = "User variable not found",
    };

    public static string Describe(ErrorCode code)
    {
        if (Known.TryGetValue(code, out var text)) return text;
        // Fallback: "UserNotLocal" -> "User not local".
        var name = code.ToString();
        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c)) sb.Append(' ').Append(char.ToLowerInvariant(c));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>"-00012 User not found" / "+00000 OK".</summary>
    public static string CtrlLine(ErrorCode code) =>
        code == ErrorCode.Success ? "+00000 OK" : $"-{(int)code:D5} {Describe(code)}";
}
