using System.Diagnostics;
using XMail.Fast.Core.External;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Core;

/// <summary>
/// The one runner for external programs ("MACRO SUBSTITUTION", wait-timeout, $(FILE).rej, temp files) and the one
/// parser of filter lines ("MESSAGE FILTERS" / "SMTP MESSAGE FILTERS" flags).
/// </summary>
public sealed class ExternalRunnerTests : IDisposable
{
    private readonly TempMailRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static Task<ExternalResult> Run(ExternalRun run) => ExternalRunner.RunAsync(run, r => r, null);

    private ExternalRun Shell(string script, params string[] args) => new("/bin/sh", ["-c", script, "sh", .. args]);

    [Fact]
    public async Task Macros_are_substituted_in_the_program_and_its_arguments_and_the_exit_code_comes_back()
    {
        var log = _root.File("args.log");
        var r = await Run(new ExternalRun("@@SH", ["-c", "echo \"$1 $2\" > \"$3\"; exit 7", "sh", "@@USER", "x$(DOMAIN)y", log])
        {
            Macros = new MacroSet().Add("SH", "/bin/sh").Add("USER", "u").Add("domain", "d"),
        });
        Assert.True(r.Exited);
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("u xdy", File.ReadAllText(log).Trim());
        Assert.Equal("/bin/sh", r.Argv[0]);
    }

    [Fact]
    public async Task A_stale_rej_is_removed_before_the_run_and_the_new_one_is_read_and_removed_after_it()
    {
        var rej = _root.File("msg.rej");
        File.WriteAllText(rej, "554 stale\n");
        var quiet = await Run(Shell("exit 3") with { RejectFile = rej });
        Assert.Null(quiet.RejectText);
        Assert.False(File.Exists(rej));

        var speaking = await Run(Shell("printf '  550 go away  \\nsecond line\\n' > \"$1\"; exit 3", rej) with { RejectFile = rej });
        Assert.Equal("550 go away", speaking.RejectText);
        Assert.False(File.Exists(rej));
    }

    [Fact]
    public async Task A_program_past_its_timeout_is_killed_and_has_no_exit_code()
    {
        var clock = Stopwatch.StartNew();
        var r = await Run(Shell("sleep 30") with { TimeoutSeconds = 1 });
        Assert.True(r.TimedOut);
        Assert.False(r.Exited);
        Assert.Equal(ExternalRunner.NoExitCode, r.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Timeout_0_starts_the_program_and_does_not_wait()
    {
        var done = _root.File("done");
        var r = await Run(Shell("exit 5") with { TimeoutSeconds = 0 });
        Assert.True(r.Started);
        Assert.False(r.Exited);
        Assert.False(r.Succeeded);
        await Run(Shell("touch \"$1\"", done) with { TimeoutSeconds = 0 });
        Assert.True(await TestServer.WaitUntilAsync(() => File.Exists(done)));
    }

    [Fact]
    public async Task A_missing_program_is_a_result_not_an_exception()
    {
        var r = await Run(new ExternalRun("/nonexistent/program", []));
        Assert.False(r.Started);
        Assert.Equal("NOT-STARTED", r.LogText);
        Assert.False((await Run(new ExternalRun("", []))).Started);
    }

    [Fact]
    public async Task Temp_files_are_read_by_the_exit_rule_then_removed()
    {
        var rfile = _root.File("rfile");
        var perms = await ExternalRunner.RunAsync(Shell("echo Perms=MR > \"$1\"", rfile) with { TempFiles = [rfile] },
            r => File.ReadAllText(rfile).Trim(), null);
        Assert.Equal("Perms=MR", perms);
        Assert.False(File.Exists(rfile));
    }

    [Fact]
    public void Lazy_macros_are_computed_once_and_only_when_used()
    {
        int calls = 0;
        var m = new MacroSet().Add("A", "1").AddLazy("TMPFILE", () => (++calls).ToString());
        Assert.Equal(["1"], m.Expand(["@@A"]));
        Assert.Equal(0, calls);
        Assert.Equal(["1", "x1y"], m.Expand(["@@TMPFILE", "x$(tmpfile)y"]));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(new[] { "/bin/f", "a" }, false, false, null)]
    [InlineData(new[] { "!aex", "/bin/f" }, true, false, null)]
    [InlineData(new[] { "!AEX=1,wlex", "/bin/f" }, true, true, null)]
    [InlineData(new[] { "!aex=0,wlex=0", "/bin/f" }, false, false, null)]     // FLAG=VAL: 0 turns it off (XMail 1.27)
    [InlineData(new[] { "!timeo=30", "/bin/f" }, false, false, 30)]
    [InlineData(new[] { "!timeo=0", "/bin/f" }, false, false, 0)]             // nowait
    [InlineData(new[] { "! aex , timeo = 5 ,unknown", "/bin/f" }, true, false, 5)]
    [InlineData(new[] { "!timeo=x,timeo=-3", "/bin/f" }, false, false, null)]
    public void Filter_lines_parse_their_flags(string[] fields, bool aex, bool wlex, int? timeout)
    {
        var c = FilterCommand.Parse(fields)!;
        Assert.Equal("/bin/f", c.Program);
        Assert.Equal(aex, c.SkipAuthenticated);
        Assert.Equal(wlex, c.SkipWhiteListed);
        Assert.Equal(timeout, c.TimeoutSeconds);
        Assert.Equal(timeout ?? 90, c.TimeoutOr(90));
    }

    [Theory]
    [InlineData("!aex")]
    [InlineData("!aex|")]
    [InlineData("")]
    public void A_filter_line_without_a_command_is_refused(string fields) => Assert.Null(FilterCommand.Parse(fields.Split('|')));
}
