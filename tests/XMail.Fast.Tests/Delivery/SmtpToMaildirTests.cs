using MailKit.Net.Smtp;
using MimeKit;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Delivery.DeliveryKit;

namespace XMail.Fast.Tests.Delivery;

/// <summary>End to end: MailKit sends over SMTP, the message lands in Maildir/new with the observed header block.</summary>
public class SmtpToMaildirTests
{
    [Fact]
    public async Task Message_sent_over_smtp_is_in_maildir_new_with_return_path_delivered_to_and_received()
    {
        await using var s = await TestServer.StartAsync();
        var dir = AddUser(s, "dh", "delivery-headers.test");
        var msg = new MimeMessage();
        msg.From.Add(new MailboxAddress("Sender", "sender@example.org"));
        msg.To.Add(new MailboxAddress("", "dh@delivery-headers.test"));
        msg.Subject = "headers";
        msg.Body = new TextPart("plain") { Text = "body" };
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", s.Port("SMTP"), MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(msg);
            await client.DisconnectAsync(true);
        }
        var files = await WaitForMailAsync(dir);
        var text = Read(files[0]);
        Assert.StartsWith("Return-Path: <sender@example.org>\nDelivered-To: dh@delivery-headers.test\nReceived: from ", text);
        Assert.Matches("\r\n\tid <S[0-9A-F]+> for <dh@delivery-headers.test> from <sender@example.org>;\r\n\t[^\r\n]+\n", text);
        Assert.Contains("\nSubject: headers\n", text);
        Assert.EndsWith("\n\nbody\r\n", text);
    }
}
