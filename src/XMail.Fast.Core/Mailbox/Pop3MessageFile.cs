namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// One message of a POP3 listing: its path relative to the mailbox folder ("new/NAME", "cur/NAME" or "NAME"),
/// its UIDL (the file name, as XMail 1.27 reports it) and its size in bytes on disk.
/// </summary>
public sealed record Pop3MessageFile(string RelativePath, string Uidl, long Size);
