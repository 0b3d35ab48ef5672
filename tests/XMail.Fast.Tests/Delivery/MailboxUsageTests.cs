using XMail.Fast.Core.Mailbox;

namespace XMail.Fast.Tests.Delivery;

public class MailboxUsageTests
{
    [Fact]
    public void Counts_additions_and_rescans_before_refusing()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-usage").FullName;
        try
        {
            var mbox = Path.Combine(dir, "mailbox");
            Directory.CreateDirectory(mbox);
            File.WriteAllBytes(Path.Combine(mbox, "m1"), new byte[600]);
            Assert.True(MailboxUsage.Fits(dir, maildir: false, 300, 1000));   // 600 + 300 <= 1000
            MailboxUsage.Added(dir, 300);
            File.WriteAllBytes(Path.Combine(mbox, "m2"), new byte[300]);
            Assert.False(MailboxUsage.Fits(dir, maildir: false, 200, 1000));  // 900 + 200 > 1000, confirmed by a rescan
            File.Delete(Path.Combine(mbox, "m1"));                             // a POP3 DELE frees space
            Assert.True(MailboxUsage.Fits(dir, maildir: false, 200, 1000));   // the rescan sees it at once
        }
        finally { Directory.Delete(dir, true); }
    }
}
