using XMail.Fast.Tests.Ctrl;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>
/// user.tab variables seen by RCPT (ReceiveEnable here) come from a cache that looks at the file at most every
/// half second: a CTRL change must still count at once, and a hand edit within the half second.
/// </summary>
public sealed class SmtpUserVarsTests
{
    private const string Rcpt = "RCPT TO:<xmailuser@xmailserver.test>";
    private const string Disabled = "550 Account disabled <xmailuser@xmailserver.test>";

    [Fact]
    public async Task Uservarsset_through_CTRL_counts_at_the_very_next_RCPT()
    {
        await using var s = await CtrlServer.StartAsync();
        await using var ctrl = await CtrlTestClient.LoginAsync(s);
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, Rcpt)); // the vars are cached now

        Assert.Equal("+00000 OK", await ctrl.CommandAsync("uservarsset", "xmailserver.test", "xmailuser", "ReceiveEnable", "0"));
        Assert.Equal(Disabled, await CommandAsync(c, Rcpt));
        Assert.Equal("+00000 OK", await ctrl.CommandAsync("uservarsset", "xmailserver.test", "xmailuser", "ReceiveEnable", "1"));
        Assert.Equal("250 OK", await CommandAsync(c, Rcpt));
    }

    [Fact]
    public async Task A_hand_edit_of_user_tab_is_picked_up()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal("250 OK", await CommandAsync(c, Rcpt));

        File.AppendAllText(s.Root.File("domains/xmailserver.test/xmailuser/user.tab"), "\"ReceiveEnable\"\t\"0\"\n");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string reply;
        while ((reply = await FreshRcptAsync(c)) != Disabled && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(Disabled, reply);
    }

    /// <summary>A new transaction's RCPT, so polling never piles up recipients.</summary>
    private static async Task<string> FreshRcptAsync(LineClient c)
    {
        Assert.Equal("250 OK", await CommandAsync(c, "RSET"));
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        return await CommandAsync(c, Rcpt);
    }
}
