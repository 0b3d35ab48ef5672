using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SERVER.TAB VARIABLES" SmtpMinDiskSpace: below the minimum free KB on the MailRoot file system, MAIL and DATA get 452.</summary>
public sealed class SmtpMinDiskSpaceTests
{
    private const string Insufficient = "452 Requested action not taken: insufficient system storage";

    private static Action<TempMailRoot> MinDiskSpace(string kb) =>
        r => File.AppendAllText(r.File("server.tab"), $"\"SmtpMinDiskSpace\"\t\"{kb}\"\n");

    [Fact]
    public async Task More_than_the_disk_holds_refuses_mail_with_452_and_the_session_stays_usable()
    {
        // 2^50 KB = 1 EiB: more than any test machine's free space.
        await using var s = await TestServer.StartAsync(prepare: MinDiskSpace("1125899906842624"));
        await using var c = await ConnectAsync(s);
        Assert.Equal(Insufficient, await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal(Insufficient, await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "NOOP"));
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Empty(SpoolFiles(s, "temp"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")] // 1 KB free is always there
    public async Task Zero_or_a_small_minimum_accepts_mail(string kb)
    {
        await using var s = await TestServer.StartAsync(prepare: MinDiskSpace(kb));
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        Assert.StartsWith("250 OK <", await CommandAsync(c, "Subject: t\r\n\r\nbody\r\n."));
    }

    [Fact]
    public async Task Disk_filling_during_a_transaction_refuses_data_with_452()
    {
        await using var s = await TestServer.StartAsync(prepare: MinDiskSpace("0"));
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        // server.tab is live: raising the minimum now is what a disk filling up looks like to the session.
        var serverTab = s.Root.File("server.tab");
        File.WriteAllText(serverTab, File.ReadAllText(serverTab).Replace("\"SmtpMinDiskSpace\"\t\"0\"", "\"SmtpMinDiskSpace\"\t\"1125899906842624\""));
        File.SetLastWriteTimeUtc(serverTab, DateTime.UtcNow.AddSeconds(5));
        Assert.True(await TestServer.WaitUntilAsync(() => s.Context.Config.SmtpMinDiskSpaceKb > 0));
        Assert.Equal(Insufficient, await CommandAsync(c, "DATA"));
        // The transaction is gone: the client starts over (and is refused again while the disk stays full).
        Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
        Assert.Equal(Insufficient, await CommandAsync(c, "MAIL FROM:<a@example.org>"));
    }
}
