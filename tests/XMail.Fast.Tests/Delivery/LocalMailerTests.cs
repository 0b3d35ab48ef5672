using System.Text;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"XMAIL LOCAL MAILER" and observed "lmail.spool-local".</summary>
public class LocalMailerTests
{
    [Fact]
    public async Task File_moved_into_spool_local_is_delivered_with_the_observed_received_header()
    {
        await using var s = await TestServer.StartAsync(o => o.LmailSleepSeconds = 1);
        var dir = AddUser(s, "lm", "lmail-spool-local.test");
        var temp = Path.Combine(s.Root.Path, "spool", "temp", "1795535072-001.16880.vm");
        File.WriteAllBytes(temp, Encoding.ASCII.GetBytes(
            "mail from:<local-sender@example.org>\r\nrcpt to:<lm@lmail-spool-local.test>\r\n\r\nSubject: local mailer\r\nX-Kit: 1\r\n\r\nlocal body\r\n..dot\r\n"));
        var local = Path.Combine(s.Root.Path, "spool", "local", "1795535072-001.16880.vm");
        File.Move(temp, local);
        var files = await WaitForMailAsync(dir);
        Assert.Matches(
            "^Return-Path: <local-sender@example.org>\nDelivered-To: lm@lmail-spool-local.test\n" +
            "Received: from /spool/local\r\n\tby xmailserver.test with \\[XMail.Fast 1.0.0 LMAIL Server\\]\r\n\tfor <lm@lmail-spool-local.test> from <local-sender@example.org>;\r\n\t\\w{3}, \\d+ \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\n" +
            "Subject: local mailer\nX-Kit: 1\n\nlocal body\r\n\\.\\.dot\r\n$", Read(files[0]));
        Assert.False(File.Exists(local));
    }

    [Fact]
    public async Task Malformed_file_goes_to_local_errors_and_is_not_lost()
    {
        await using var s = await TestServer.StartAsync(o => o.LmailSleepSeconds = 1);
        var local = Path.Combine(s.Root.Path, "spool", "local", "bad-001.1.vm");
        File.WriteAllText(local, "rcpt to:<xmailuser@xmailserver.test>\r\n\r\nno sender\r\n");
        var error = Path.Combine(s.Root.Path, "spool", "local-errors", "bad-001.1.vm");
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(error)));
        Assert.Contains("no sender", File.ReadAllText(error));
    }
}
