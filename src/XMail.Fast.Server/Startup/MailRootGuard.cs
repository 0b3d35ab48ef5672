namespace XMail.Fast.Server.Startup;

/// <summary>
/// What counts as a MailRoot (a folder holding server.tab) and the one-line refusal when a path is not one: only dev
/// mode and XMail --init create a MailRoot, so a mistyped -Ms or MAIL_ROOT never starts an empty server.
/// </summary>
public static class MailRootGuard
{
    public static bool IsMailRoot(string path) => File.Exists(Path.Combine(path, "server.tab"));

    public static bool IsMissingOrEmpty(string path) =>
        !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any();

    /// <param name="source">Where the path came from, as the administrator wrote it: "-Ms", "MAIL_ROOT".</param>
    public static void Require(string path, string source)
    {
        if (IsMailRoot(path)) return;
        string why = File.Exists(path) ? "is a file, not a folder"
            : !Directory.Exists(path) ? "does not exist"
            : "is not a MailRoot (it has no server.tab)";
        throw new StartupFailure(ExitCodes.NoMailRoot,
            $"MailRoot {path} ({source}) {why}; create one with: XMail --init -Ms {Quote(path)}, or point {source} at an existing MailRoot");
    }

    /// <summary>A path as a shell would need it in the suggested command.</summary>
    public static string Quote(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '@') ? path : "'" + path.Replace("'", "'\\''") + "'";
}
