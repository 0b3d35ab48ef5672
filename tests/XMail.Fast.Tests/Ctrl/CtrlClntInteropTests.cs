using System.Text;
using XMail.Fast.Tools.CtrlClnt;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"CtrlClnt (XMAIL ADMINISTRATION)": the CtrlClnt tool (MD5 login by default) against the real CTRL server.</summary>
public sealed class CtrlClntInteropTests
{
    private static (int Code, string Out, string Err) Run(int port, string stdin, params string[] command)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        string[] args = ["-s", "127.0.0.1", "-n", port.ToString(), "-u", "admin", "-p", "secret", .. command];
        int code = CtrlClntRunner.Run(args, _ => null, new MemoryStream(Encoding.Latin1.GetBytes(stdin)), stdout, stderr);
        return (code, Encoding.Latin1.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task CtrlClnt_adds_lists_uploads_and_reports_errors()
    {
        await using var s = await CtrlServer.StartAsync();
        int port = s.Port("CTRL");
        var r = await Task.Run(() => Run(port, "", "useradd", "xmailserver.test", "tool", "pw", "U"));
        Assert.True(r.Code == 0, r.Err);
        r = await Task.Run(() => Run(port, "", "userlist", "xmailserver.test", "t*"));
        Assert.Equal(0, r.Code);
        Assert.Contains("\"xmailserver.test\"\t\"tool\"\t\"pw\"\t\"U\"", r.Out);
        r = await Task.Run(() => Run(port, "\"mailbox\"\n.dot\n", "usersetmproc", "xmailserver.test", "tool"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal("\"mailbox\"\n.dot\n", s.Root.Read("domains/xmailserver.test/tool/mailproc.tab"));
        r = await Task.Run(() => Run(port, "", "usergetmproc", "xmailserver.test", "tool", "U"));
        Assert.Equal(0, r.Code);
        Assert.Contains(".dot", r.Out);
        Assert.DoesNotContain("..dot", r.Out);
        r = await Task.Run(() => Run(port, "", "useradd", "nosuch.test", "x", "pw", "U"));
        Assert.Equal(CtrlClntRunner.ExitError, r.Code);
        Assert.Contains("00059", r.Err);
    }
}
