using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tools.CtrlClnt;

namespace XMail.Fast.Tests.EndToEnd;

/// <summary>
/// The whole server as an administrator and users see it: CtrlClnt creates the account, a MailKit client sends
/// through SMTP, the SMAIL workers deliver into the Maildir, and a MailKit POP3 client reads it back.
/// </summary>
public class MailFlowTests
{
    private const string CtrlAdmin = "\"admin\"\t\"160006170011\"\n"; // password "secret"

    private static (int Exit, string Out, string Err) CtrlClnt(TestServer s, params string[] command)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = CtrlClntRunner.Run(["-s", "127.0.0.1", "-n", s.Port("CTRL").ToString(), "-u", "admin", "-p", "secret", .. command],
            _ => null, Stream.Null, stdout, stderr);
        return (exit, System.Text.Encoding.Latin1.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task CtrlClnt_account_then_SMTP_to_an_alias_is_delivered_and_read_over_POP3()
    {
        await using var s = await TestServer.StartAsync(prepare: r => r.Write("ctrlaccounts.tab", CtrlAdmin));
        Assert.Equal(0, CtrlClnt(s, "domainadd", "flow.test").Exit);
        Assert.Equal(0, CtrlClnt(s, "useradd", "flow.test", "alice", "pw1", "U").Exit);
        Assert.Equal(0, CtrlClnt(s, "aliasadd", "flow.test", "al", "alice").Exit);
        var list = CtrlClnt(s, "userlist", "flow.test");
        Assert.Equal(0, list.Exit);
        Assert.Contains("\"flow.test\"\t\"alice\"\t\"pw1\"\t\"U\"", list.Out);

        var msg = new MimeMessage();
        msg.From.Add(MailboxAddress.Parse("sender@example.org"));
        msg.To.Add(MailboxAddress.Parse("al@flow.test"));
        msg.Subject = "end to end";
        msg.Body = new TextPart("plain") { Text = "hello\r\n.leading dot\r\nbye" };
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", s.Port("SMTP"), SecureSocketOptions.None);
            await smtp.SendAsync(msg);
            await smtp.DisconnectAsync(true);
        }

        var newDir = s.Root.File("domains/flow.test/alice/Maildir/new");
        Assert.True(await TestServer.WaitUntilAsync(() => Directory.Exists(newDir) && Directory.GetFiles(newDir).Length == 1, TimeSpan.FromSeconds(20)),
            "message not delivered to alice's Maildir");

        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", s.Port("POP3"), SecureSocketOptions.None);
        await pop.AuthenticateAsync("alice@flow.test", "pw1");
        Assert.Equal(1, pop.Count);
        var got = await pop.GetMessageAsync(0);
        Assert.Equal("end to end", got.Subject);
        Assert.Equal("<sender@example.org>", got.Headers["Return-Path"]);
        Assert.Equal("alice@flow.test", got.Headers["Delivered-To"]);
        Assert.Contains("with [XMail.Fast", got.Headers["Received"]);
        Assert.Contains(".leading dot", got.TextBody);
        await pop.DeleteMessageAsync(0);
        await pop.DisconnectAsync(true);
        Assert.True(await TestServer.WaitUntilAsync(() => Directory.GetFiles(newDir).Length == 0));
    }

    [Fact]
    public async Task Unknown_local_user_is_refused_at_RCPT_and_nothing_is_spooled()
    {
        await using var s = await TestServer.StartAsync();
        var msg = new MimeMessage();
        msg.From.Add(MailboxAddress.Parse("sender@example.org"));
        msg.To.Add(MailboxAddress.Parse("nobody@xmailserver.test"));
        msg.Body = new TextPart("plain") { Text = "x" };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", s.Port("SMTP"), SecureSocketOptions.None);
        var ex = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(msg));
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, ex.StatusCode);
    }
}
