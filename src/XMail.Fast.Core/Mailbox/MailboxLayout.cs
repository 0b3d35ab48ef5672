namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// Which store an account uses. The account's own folders decide (a MailRoot may hold accounts made under
/// -MM and others made under -Mm); only an account with neither folder follows the server's switch.
/// Delivery, POP3 and CTRL userstat all ask here, so they never disagree.
/// </summary>
public static class MailboxLayout
{
    public static bool UsesMaildir(string userDirectory, bool serverDefaultMaildir) =>
        Directory.Exists(Path.Combine(userDirectory, "Maildir")) ||
        (!Directory.Exists(Path.Combine(userDirectory, "mailbox")) && serverDefaultMaildir);
}
