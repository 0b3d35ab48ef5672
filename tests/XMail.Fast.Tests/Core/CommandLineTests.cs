using System.Net;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Tests.Core;

public class CommandLineTests
{
    [Fact]
    public void Parses_service_and_queue_switches()
    {
        var o = XMailCommandLine.Parse(["-Ms", "/m", "-Sp", "2525", "-SI", "127.0.0.1:26", "-SI", "::1", "-P-", "-Qn", "300", "-Qt", "60", "-Mm", "-Cl", "-Sr", "7", "-Mx", "20"]);
        Assert.Equal("/m", o.MailRootPath);
        Assert.Equal(2525, o.Smtp.Port);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 26), new IPEndPoint(IPAddress.IPv6Loopback, 2525)], o.Smtp.Endpoints().ToArray());
        Assert.False(o.Pop3.Enabled);
        Assert.Equal(256, o.SmailThreads);
        Assert.Equal(60, o.SmailRetryTimeoutSeconds);
        Assert.False(o.UseMaildir);
        Assert.True(o.Ctrl.Log);
        Assert.Equal(7, o.SmtpMaxRecipients);
        Assert.Equal(23, o.SplitLevel);
    }

    [Theory]
    [InlineData("-Zz")]
    [InlineData("-Sp")]
    [InlineData("-Sp", "x")]
    [InlineData("plain")]
    public void Rejects_bad_switches_with_a_message(params string[] args)
    {
        var ex = Assert.Throws<ArgumentException>(() => XMailCommandLine.Parse(args));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }
}
