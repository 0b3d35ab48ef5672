using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Delivery.Psync;
using XMail.Fast.Tests.Infrastructure;
using static XMail.Fast.Tests.Pop3.Pop3TestKit;

namespace XMail.Fast.Tests.Security;

/// <summary>PSYNC judges the POP3 server's certificate (POP3S and STLS) by the same SSL variables as the SMTP client.</summary>
public sealed class TlsPsyncVerificationTests
{
    [Theory]
    [InlineData("other.test", "POP3S", "is not for 127.0.0.1")]
    [InlineData("other.test", "FSTLS", "is not for 127.0.0.1")]
    [InlineData("localhost", "POP3S", null)]
    [InlineData("localhost", "FSTLS", null)]
    public async Task A_server_certificate_that_fails_verification_stops_the_sync(string certificateName, string auth, string? refusal)
    {
        await using var remote = await TestServer.StartAsync(prepare: r => TestPki.WriteServerPair(r.Path, TestPki.SelfSigned(certificateName)));
        Put(remote, "1.a", "Subject: one\r\n\r\nbody\r\n");
        int port = remote.Port(auth == "POP3S" ? "POP3S" : "POP3");
        using var root = new TempMailRoot();
        root.Write("pop3links.tab", $"\"xmailserver.test\"\t\"xmailuser\"\t\"127.0.0.1:{port}\"\t\"xmailuser@xmailserver.test\"\t\"{XMCrypt.Encode("xmail")}\"\t\"{auth}\"\n");
        File.AppendAllText(root.File("server.tab"), "\"SSLWantVerify\"\t\"1\"\n\"SSLAllowSelfSigned\"\t\"1\"\n");
        var mr = new MailRoot(root.Path);
        mr.EnsureLayout();
        var ctx = new MailServerContext(mr, new XMailOptions { MailRootPath = root.Path, SplitLevel = 1 });

        var (_, report) = Assert.Single(await new PsyncRunner(ctx).RunAllAsync(CancellationToken.None));
        if (refusal is null)
        {
            Assert.Null(report.Error);
            Assert.Equal(1, report.Fetched);
        }
        else
        {
            Assert.Equal(0, report.Fetched);
            Assert.Contains(refusal, report.Error);
            Assert.Single(NewFiles(remote)); // still on the server
        }
    }
}
