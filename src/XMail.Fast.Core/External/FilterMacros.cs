using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.External;

/// <summary>
/// The macros of the filter family, named as the spec names them: "MESSAGE FILTERS", the "external" and "filter"
/// commands of mailproc.tab, custdomains and cmdaliases (FROM RFROM RCPT RRCPT FILE MSGID MSGREF TMPFILE USERAUTH
/// REMOTEADDR LOCALADDR) and "SMTP MESSAGE FILTERS" (FILE USERAUTH REMOTEADDR LOCALADDR FROM CRCPT RRCPT MSGREF).
/// </summary>
public static class FilterMacros
{
    /// <summary>
    /// For a spool message. TMPFILE copies the spool file into <paramref name="tempDir"/> on first use; the program
    /// owns (and deletes) the copy, as the spec says.
    /// </summary>
    public static MacroSet ForMessage(SpoolMessage message, string tempDir, string from, string rfrom, string rcpt, string rrcpt)
    {
        var (remote, local) = message.Addresses;
        return Common(message.FilePath, from, rrcpt, message.AuthUser, remote, local, message.SmtpId)
            .Add("RFROM", rfrom)
            .Add("RCPT", rcpt)
            .Add("MSGID", message.Id)
            .AddLazy("TMPFILE", () => CopyToTemp(message.FilePath, tempDir));
    }

    /// <summary>For an SMTP session: <paramref name="crcpt"/> is the recipient being checked (post-rcpt) or the last one.</summary>
    public static MacroSet ForSmtp(string file, string userAuth, string remoteAddr, string localAddr, string from, string crcpt, string rrcpt, string msgRef) =>
        Common(file, from, rrcpt, userAuth, remoteAddr, localAddr, msgRef).Add("CRCPT", crcpt);

    private static MacroSet Common(string file, string from, string rrcpt, string userAuth, string remoteAddr, string localAddr, string msgRef) =>
        new MacroSet()
            .Add("FILE", file)
            .Add("FROM", from)
            .Add("RRCPT", rrcpt)
            .Add("USERAUTH", userAuth)
            .Add("REMOTEADDR", remoteAddr)
            .Add("LOCALADDR", localAddr)
            .Add("MSGREF", msgRef);

    private static string CopyToTemp(string file, string tempDir)
    {
        Directory.CreateDirectory(tempDir);
        var path = Path.Combine(tempDir, UniqueName.Next() + ".tmp");
        File.Copy(file, path);
        return path;
    }
}
