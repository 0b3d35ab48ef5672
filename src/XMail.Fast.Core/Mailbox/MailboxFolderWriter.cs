using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// XMail's "mailbox" structure (-Mm): the account's mailbox/ folder holds one file per message. The file is written
/// under a dot-name first (readers skip names starting with '.'), fsynced, then renamed to its unique name.
/// </summary>
public static class MailboxFolderWriter
{
    public static async Task<string> WriteAsync(string mailboxDir, Action<Stream> writeContent, TimeProvider? time = null, string? name = null,
        IDurableCommitter? committer = null)
    {
        Directory.CreateDirectory(mailboxDir);
        name ??= UniqueName.Next(time);
        var tmp = Path.Combine(mailboxDir, "." + name + ".tmp");
        var final = Path.Combine(mailboxDir, name);
        MaildirWriter.WriteUnsynced(tmp, writeContent);
        await (committer ?? MaildirCommitWriter.Shared).CommitAsync(tmp, final).ConfigureAwait(false);
        return final;
    }
}
