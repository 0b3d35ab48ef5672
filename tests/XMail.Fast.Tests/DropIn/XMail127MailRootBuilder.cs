using System.Text;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.DropIn;

/// <summary>
/// Builds, by hand from the spec's formats, a MailRoot as a running XMail 1.27 leaves it: CRLF and LF tables,
/// comments, a Maildir account and a "mailbox" account with messages, aliases (plain and wildcard), an alias
/// domain, an external alias, a mailing list, and spool files queued in mess/, waiting in rsnd/ with a slog,
/// and frozen in froz/ with its log.
/// </summary>
public static class XMail127MailRootBuilder
{
    public const string Domain = "legacy.test";
    public const string MessageBody = "Subject: legacy\r\n\r\nwritten by XMail 1.27\r\n";

    public static TempMailRoot Build()
    {
        var r = new TempMailRoot();
        // domains.tab with CRLF line ends and a comment, as a Windows-edited table would be.
        r.Write("domains.tab", "\"xmailserver.test\"\r\n# legacy domain\r\n\"legacy.test\"\r\n");
        r.Write("mailusers.tab",
            "\"xmailserver.test\"\t\"xmailuser\"\t\"1d08040c09\"\t1\t\"xmailuser\"\t\"U\"\n" +
            "\"legacy.test\"\t\"maildiruser\"\t\"160006170011\"\t7\t\"maildiruser\"\t\"U\"\n" +   // password "secret"
            "\"legacy.test\"\t\"mboxuser\"\t\"160006170011\"\t8\t\"mboxuser\"\t\"U\"\n" +
            "\"legacy.test\"\t\"list\"\t\"160006170011\"\t9\t\"list\"\t\"M\"\n");
        r.Write("aliases.tab",
            "\"xmailserver.test\"\t\"root\"\t\"xmailuser\"\n\"xmailserver.test\"\t\"postmaster\"\t\"xmailuser\"\n" +
            "\"legacy.test\"\t\"md\"\t\"maildiruser\"\n\"legacy.test\"\t\"sales-*\"\t\"mboxuser@legacy.test\"\n");
        r.Write("aliasdomain.tab", "\"legacy-alias.test\"\t\"legacy.test\"\n");
        r.Write("extaliases.tab", "\"outside.example\"\t\"md\"\t\"legacy.test\"\t\"maildiruser\"\n");
        r.Write("ctrlaccounts.tab", "\"admin\"\t\"160006170011\"\n");

        foreach (var user in new[] { "maildiruser", "mboxuser", "list" })
            r.Write($"domains/{Domain}/{user}/user.tab", "\"RealName\"\t\"Legacy " + user + "\"\r\n\"MaxMBSize\"\t\"10000\"\r\n");
        r.Write($"domains/{Domain}/list/mlusers.tab", "\"maildiruser@legacy.test\"\t\"RW\"\n\"mboxuser@legacy.test\"\t\"R\"\n");

        // Maildir account with one new and one already-seen message.
        foreach (var d in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(r.File($"domains/{Domain}/maildiruser/Maildir/{d}"));
        r.Write($"domains/{Domain}/maildiruser/Maildir/new/1600000000001.7f00aa.41ba.1.oldhost", "Return-Path: <a@b.test>\r\n" + MessageBody);
        r.Write($"domains/{Domain}/maildiruser/Maildir/cur/1600000000002.7f00aa.41ba.2.oldhost:2,S", "Return-Path: <a@b.test>\r\n" + MessageBody);
        // "mailbox" account: a folder of message files.
        r.Write($"domains/{Domain}/mboxuser/mailbox/1600000000003.7f00aa.41ba.3.oldhost", "Return-Path: <a@b.test>\r\n" + MessageBody);

        WriteSpool(r, 0, 0, "mess", "1600000000100.7f00aa.41ba.10.oldhost", "S10", "sender@outside.example", "maildiruser@legacy.test");
        WriteSpool(r, 3, 5, "rsnd", "1600000000101.7f00aa.41ba.11.oldhost", "S11", "sender@outside.example", "mboxuser@legacy.test");
        r.Write("spool/3/5/slog/1600000000101.7f00aa.41ba.11.oldhost",
            "[PeekTime] 1600000000 : Sun, 13 Sep 2020 12:26:40 -0000\r\n<<\r\nErrCode   = -3\r\nErrString = Network error\r\n>>\r\n");
        WriteSpool(r, 7, 2, "froz", "1600000000102.7f00aa.41ba.12.oldhost", "S12", "", "maildiruser@legacy.test");
        r.Write("spool/7/2/slog/1600000000102.7f00aa.41ba.12.oldhost",
            "[PeekTime] 1600000000 : Sun, 13 Sep 2020 12:26:40 -0000\r\n<<\r\nErrCode   = -163\r\nErrString = Mail loop detected\r\n>>\r\n");
        r.Write("message.id", "19\n");
        return r;
    }

    public static void WriteSpool(TempMailRoot r, int l0, int l1, string state, string name, string id, string from, string to)
    {
        var sb = new StringBuilder();
        sb.Append("[192.0.2.7]:40000;[192.0.2.1]:25;Sun, 13 Sep 2020 12:26:40 -0000\r\n");
        sb.Append("xmailserver.test\r\n").Append(id).Append("\r\n");
        sb.Append("MAIL FROM:<").Append(from).Append(">\r\n");
        sb.Append("RCPT TO:<").Append(to).Append(">\r\n");
        sb.Append("<<MAIL-DATA>>\r\n");
        sb.Append("Received: from old.example ([192.0.2.7]:40000)\r\n\tby xmailserver.test with [XMail 1.27 ESMTP Server]\r\n\tid <")
          .Append(id).Append("> for <").Append(to).Append("> from <").Append(from).Append(">;\r\n\tSun, 13 Sep 2020 12:26:40 -0000\r\n");
        sb.Append(MessageBody);
        foreach (var s in new[] { "mess", "rsnd", "info", "temp", "slog", "lock", "mprc", "froz", "cust" })
            Directory.CreateDirectory(r.File($"spool/{l0}/{l1}/{s}"));
        r.Write($"spool/{l0}/{l1}/{state}/{name}", sb.ToString());
    }
}
