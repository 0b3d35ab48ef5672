using XMail.Fast.Protocols.Smtp;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Smtp.SmtpTestKit;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTP COMMANDS": the ESMTP parameters of MAIL FROM and RCPT TO (RFC 1869, 1870, 6152, 4954), over a raw socket.</summary>
public sealed class SmtpMailParametersTests
{
    private const string Unsupported = "555 MAIL FROM/RCPT TO parameters not recognized or not implemented";

    [Theory]
    [InlineData("MAIL FROM:<a@example.org>", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=1000", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> BODY=7BIT", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> body=8bitmime", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=10  BODY=8BITMIME AUTH=<>", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> AUTH=xmailuser+40xmailserver.test", "250 OK")]
    [InlineData("MAIL FROM:<> BODY=8BITMIME", "250 OK")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=abc", "501 Syntax error in SIZE parameter")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=", "501 Syntax error in SIZE parameter")]
    [InlineData("MAIL FROM:<a@example.org> SIZE", "501 Syntax error in SIZE parameter")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=-5", "501 Syntax error in SIZE parameter")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=99999999999999999999999", "501 Syntax error in SIZE parameter")]
    [InlineData("MAIL FROM:<a@example.org> BODY=BINARYMIME", "555 BODY type not supported")]
    [InlineData("MAIL FROM:<a@example.org> BODY=9BIT", "501 Syntax error in BODY parameter")]
    [InlineData("MAIL FROM:<a@example.org> BODY=", "501 Syntax error in BODY parameter")]
    [InlineData("MAIL FROM:<a@example.org> RET=HDRS", Unsupported)]
    [InlineData("MAIL FROM:<a@example.org> SMTPUTF8", Unsupported)]
    [InlineData("MAIL FROM:<a@example.org> SIZE=10 XFOO=1", Unsupported)]
    [InlineData("MAIL FROM:<a@example.org> =x", "501 Syntax error in parameters or arguments")]
    [InlineData("MAIL FROM:<a@example.org> AUTH=", "501 Syntax error in parameters or arguments")]
    public async Task Mail_from_parameters(string command, string expected)
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal(expected, await CommandAsync(c, command));
        // A refused MAIL leaves no transaction behind; a correct one is accepted right after.
        if (!expected.StartsWith("250", StringComparison.Ordinal))
        {
            Assert.Equal("503 Bad sequence of commands", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
            Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        }
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>"));
    }

    [Fact]
    public async Task Rcpt_to_parameters_are_refused_and_the_transaction_goes_on()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await ConnectAsync(s);
        Assert.Equal("250 OK", await CommandAsync(c, "MAIL FROM:<a@example.org>"));
        Assert.Equal(Unsupported, await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test> NOTIFY=SUCCESS,FAILURE"));
        Assert.Equal(Unsupported, await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test> ORCPT=rfc822;x@y.z"));
        Assert.Equal("501 Syntax error in parameters or arguments", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test> =bad"));
        Assert.Equal("250 OK", await CommandAsync(c, "RCPT TO:<xmailuser@xmailserver.test>  "));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await CommandAsync(c, "DATA"));
        Assert.StartsWith("250 OK <", await CommandAsync(c, "Subject: t\r\n\r\nbody\r\n."));
    }

    [Fact]
    public void Checks_work_on_spans_without_allocating()
    {
        const string text = "SIZE=12345 BODY=8BITMIME AUTH=<>";
        Assert.Null(EsmtpParameters.CheckMail(text)); // JIT and first-call work out of the way
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            EsmtpParameters.CheckMail(text);
            EsmtpParameters.CheckRcpt("");
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
