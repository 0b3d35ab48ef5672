using System.Runtime.InteropServices;
using XMail.Fast.Core.Config;
using XMail.Fast.Server.Init;
using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server;

public static class Program
{
    private const string Usage =
        "usage: XMail [-Ms mailroot] [-Md] [-Sp port] ... (XMail 1.27's switches, README)\n" +
        "       XMail --dev (dev mode)   XMail --health ip:port\n       " + InitArguments.Usage;

    public static async Task<int> Main(string[] args)
    {
        ShutdownSignals.RestoreDefaults(); // before anything sets up the runtime's signal handling
        if (args.Length == 2 && args[0] == "--health") return await HealthProbe.RunAsync(args[1]).ConfigureAwait(false);
        bool debug = args.Contains("-Md");
        try
        {
            if (args.Contains("--init")) return InitCommand.Run(args, Console.Out);
            var (options, dev, source) = ReadOptions(args);
            PrepareMailRoot(options, dev, source);
            return await RunAsync(options).ConfigureAwait(false);
        }
        catch (StartupFailure failure)
        {
            // One line an administrator can act on, and a documented exit code: never a stack trace or a core dump.
            Console.Error.WriteLine("XMail: " + failure.Message);
            if (failure.ExitCode == ExitCodes.Usage) Console.Error.WriteLine(Usage);
            if (debug && failure.InnerException is { } inner) Console.Error.WriteLine(inner);
            return failure.ExitCode;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"XMail: stopped by an unexpected error: {ex.GetType().Name}: {ex.Message}{(debug ? "" : " (-Md shows where)")}");
            if (debug) Console.Error.WriteLine(ex);
            return ExitCodes.Failure;
        }
    }

    /// <returns>The options; whether dev mode applies (no MAIL_ROOT/-Ms, or --dev); where the MailRoot path came from.</returns>
    private static (XMailOptions Options, bool Dev, string Source) ReadOptions(string[] args)
    {
        bool dev = args.Contains("--dev");
        XMailOptions options;
        try
        {
            var all = args.Where(a => a != "--dev").Concat(XMailCommandLine.SplitEnvironment(Environment.GetEnvironmentVariable("MAIL_CMD_LINE"))).ToList();
            options = XMailCommandLine.Parse(all);
        }
        catch (ArgumentException ex)
        {
            throw new StartupFailure(ExitCodes.Usage, ex.Message);
        }
        string source = "-Ms";
        if (options.MailRootPath is null && Environment.GetEnvironmentVariable("MAIL_ROOT") is { Length: > 0 } fromEnvironment)
        {
            options.MailRootPath = fromEnvironment;
            source = "MAIL_ROOT";
        }
        if (Environment.GetEnvironmentVariable("XMAIL_METRICS") is { Length: > 0 } metrics)
        {
            options.MetricsEndpoint = IPEndPointOrNull(metrics)
                ?? throw new StartupFailure(ExitCodes.Usage, $"XMAIL_METRICS='{metrics}' is not ip:port");
        }
        if (options.MailRootPath is null)
        {
            dev = true;
            source = "dev mode's ./MailRoot";
        }
        return (options, dev, source);
    }

    private static System.Net.IPEndPoint? IPEndPointOrNull(string text) => System.Net.IPEndPoint.TryParse(text, out var ep) ? ep : null;

    /// <summary>
    /// Only dev mode creates a MailRoot (from the template, with a self-signed certificate); otherwise the path must
    /// already be one, so a mistyped -Ms or MAIL_ROOT is an error instead of a new, empty server.
    /// </summary>
    private static void PrepareMailRoot(XMailOptions options, bool dev, string source)
    {
        var path = Path.GetFullPath(options.MailRootPath ??= Path.Combine(Environment.CurrentDirectory, "MailRoot"));
        if (!dev)
        {
            MailRootGuard.Require(path, source);
            return;
        }
        DevDefaults.Apply(options);
        if (MailRootGuard.IsMailRoot(path)) return;
        if (!MailRootGuard.IsMissingOrEmpty(path)) MailRootGuard.Require(path, source);
        MailRootTemplate.CopyTo(path);
        Console.Error.WriteLine($"XMail: dev mode: created MailRoot {path} from {MailRootTemplate.TemplatePath}");
        if (SelfSignedCertificate.CreateIfMissing(path, MailRootTemplate.PlaceholderDomain, TimeProvider.System))
            Console.Error.WriteLine("XMail: dev mode: created a self-signed server.cert/server.key for localhost");
    }

    private static async Task<int> RunAsync(XMailOptions options)
    {
        await using var server = await XMailServer.StartAsync(options).ConfigureAwait(false);
        using var pid = PidFile.Create();
        // The first SIGINT/SIGTERM is the host's graceful stop (listeners close, sessions and workers get the
        // shutdown bound). A second one means "now": everything acknowledged is already durable in the spool.
        int signals = 0;
        void OnSignal(PosixSignalContext c)
        {
            if (Interlocked.Increment(ref signals) < 2) return;
            Console.Error.WriteLine("XMail: second signal, stopping immediately");
            pid.Dispose();
            Environment.Exit(ExitCodes.SecondSignal);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await server.WaitForShutdownAsync().ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
