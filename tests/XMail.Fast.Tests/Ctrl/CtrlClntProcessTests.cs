using System.Text;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Tests.Tools;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>
/// Every CTRL command, in its success and error forms, through the real CtrlClnt executable as an administrator's
/// script would run it: exit 0 and the listing on stdout, or exit 4 with XMail's ErrCode/ErrString/ErrInfo lines.
/// </summary>
public class CtrlClntProcessTests
{
    private sealed record Step(string[] Args, int Exit, string? Stdout = null, string? Stdin = null, string? Stderr = null);

    private static Step Ok(params string[] args) => new(args, 0);
    private static Step Lists(string expected, params string[] args) => new(args, 0, expected);
    private static Step Fails(string code, params string[] args) => new(args, 4, Stderr: code);
    private static Step Upload(string content, params string[] args) => new(args, 0, Stdin: content);

    [Fact]
    public async Task Every_command_through_the_CtrlClnt_executable()
    {
        await using var s = await TestServer.StartAsync(prepare: r => r.Write("ctrlaccounts.tab", "\"admin\"\t\"160006170011\"\n"));
        Step[] script =
        [
            Ok("domainadd", "proc.test"),
            Fails("-00", "domainadd", "proc.test"),
            Lists("proc.test", "domainlist"),
            Ok("useradd", "proc.test", "u1", "pw", "U"),
            Fails("-00013", "useradd", "proc.test", "u1", "pw", "U"),
            Fails("-00059", "useradd", "no-such.test", "u1", "pw", "U"),
            Ok("userpasswd", "proc.test", "u1", "pw2"),
            Ok("userauth", "proc.test", "u1", "pw2"),
            Fails("-00", "userauth", "proc.test", "u1", "wrong"),
            Lists("RealAddress", "userstat", "proc.test", "u1"),
            Lists("\"proc.test\"\t\"u1\"\t\"pw2\"\t\"U\"", "userlist", "proc.test"),
            Lists("\"MaxMBSize\"", "uservars", "proc.test", "u1"),
            Ok("uservarsset", "proc.test", "u1", "RealName", "U One"),
            Lists("\"RealName\"\t\"U One\"", "uservars", "proc.test", "u1"),
            Fails("-00157", "uservarsset", "proc.test", "nobody", "RealName", "x"),
            Ok("aliasadd", "proc.test", "a1", "u1"),
            Lists("\"proc.test\"\t\"a1\"\t\"u1\"", "aliaslist", "proc.test"),
            Ok("aliasdel", "proc.test", "a1"),
            Fails("-00", "aliasdel", "proc.test", "a1"),
            Ok("exaliasadd", "u1@proc.test", "u1@ext.example"),
            Lists("\"ext.example\"\t\"u1\"\t\"proc.test\"\t\"u1\"", "exaliaslist"),
            Ok("exaliasdel", "u1@ext.example"),
            Ok("useradd", "proc.test", "list", "pw", "M"),
            Ok("mluseradd", "proc.test", "list", "x@y.test"),
            Lists("x@y.test", "mluserlist", "proc.test", "list"),
            Ok("mluserdel", "proc.test", "list", "x@y.test"),
            Fails("-00", "mluserdel", "proc.test", "list", "x@y.test"),
            Fails("-00116", "usergetmproc", "proc.test", "u1"),
            Upload("\"mailbox\"\n.dotted\n", "usersetmproc", "proc.test", "u1"),
            Lists("\"mailbox\"\n.dotted\n", "usergetmproc", "proc.test", "u1", "U"),
            Ok("aliasdomainadd", "proc.test", "alias-proc.test"),
            Lists("\"proc.test\"\t\"alias-proc.test\"", "aliasdomainlist"),
            Ok("aliasdomaindel", "alias-proc.test"),
            Upload("\"smtp\"\n", "custdomset", "cust.test"),
            Lists("cust.test", "custdomlist"),
            Lists("\"smtp\"", "custdomget", "cust.test"),
            Ok("poplnkadd", "proc.test", "u1", "ext.example", "eu", "ep", "CLR"),
            Lists("\"eu\"", "poplnklist", "proc.test"),
            Ok("poplnkenable", "0", "proc.test", "u1"),
            Ok("poplnkdel", "proc.test", "u1", "ext.example", "eu"),
            Upload("\"192.0.2.0/24\"\n", "cfgfileset", "spammers.tab"),
            Lists("\"192.0.2.0/24\"", "cfgfileget", "spammers.tab"),
            Lists("\"server.tab\"", "filelist", ".", "*.tab"),
            Fails("-00214", "cfgfileget", "../etc/passwd"),
            Fails("-00214", "cfgfileget", "mailusers.tab"),
            Ok("frozlist"),
            Fails("-00054", "frozdel", "0", "0", "no-such-message"),
            Ok("etrn", "*@proc.test"),
            Ok("noop"),
            Fails("-00103", "no-such-command"),
            Ok("userdel", "proc.test", "u1"),
            Fails("-00012", "userdel", "proc.test", "u1"),
            Ok("domaindel", "proc.test"),
        ];

        var port = s.Port("CTRL").ToString();
        foreach (var step in script)
        {
            string[] args = ["-s", "127.0.0.1", "-n", port, "-u", "admin", "-p", "secret", .. step.Args];
            var r = await Task.Run(() => ToolProcess.Run("CtrlClnt", args, step.Stdin is null ? null : Encoding.Latin1.GetBytes(step.Stdin)));
            var what = string.Join(" ", step.Args);
            Assert.True(step.Exit == r.ExitCode, $"{what}: exit {r.ExitCode}, expected {step.Exit}; stderr: {r.Stderr}");
            if (step.Stdout is not null) Assert.Contains(step.Stdout, r.StdoutText.Replace("\r\n", "\n"));
            if (step.Stderr is not null) Assert.Matches(@"ErrInfo\s+= " + step.Stderr, r.Stderr);
        }
    }
}
