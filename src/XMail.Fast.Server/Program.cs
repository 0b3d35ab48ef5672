using XMail.Fast.Core.Config;

namespace XMail.Fast.Server;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ShutdownSignals.RestoreDefaults(); // before anything sets up the runtime's signal handling
        if (args.Length == 2 && args[0] == "--health") return await HealthProbe.RunAsync(args[1]).ConfigureAwait(false);

        XMailOptions options;
        bool dev = args.Contains("--dev");
        try
        {
            var all = args.Where(a => a != "--dev").Concat(XMailCommandLine.SplitEnvironment(Environment.GetEnvironmentVariable("MAIL_CMD_LINE"))).ToList();
            options = XMailCommandLine.Parse(all);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"XMail: {ex.Message}");
            Console.Error.WriteLine("usage: XMail [-Ms mailroot] [-Md] [-Sp port] ... (see README / XMail 1.27 COMMAND LINE)");
            return 2;
        }

        options.MailRootPath ??= Environment.GetEnvironmentVariable("MAIL_ROOT");
        if (Environment.GetEnvironmentVariable("XMAIL_METRICS") is { Length: > 0 } metrics)
        {
            if (!System.Net.IPEndPoint.TryParse(metrics, out var ep))
            {
                Console.Error.WriteLine($"XMail: XMAIL_METRICS='{metrics}' is not ip:port");
                return 2;
            }
            options.MetricsEndpoint = ep;
        }
        if (options.MailRootPath is null || dev)
        {
            options.MailRootPath ??= Path.Combine(Environment.CurrentDirectory, "MailRoot");
            DevDefaults.Apply(options);
        }
        if (!MailRootTemplate.EnsureExists(options.MailRootPath, out var note))
        {
            Console.Error.WriteLine($"XMail: {note}");
            return 1;
        }
        if (note is not null) Console.Error.WriteLine($"XMail: {note}");

        await using var server = await XMailServer.StartAsync(options).ConfigureAwait(false);
        using var pid = PidFile.Create();
        // The first SIGINT/SIGTERM is the host's graceful stop (listeners close, sessions and workers get the
        // shutdown bound). A second one means "now": everything acknowledged is already durable in the spool.
        int signals = 0;
        void OnSignal(System.Runtime.InteropServices.PosixSignalContext c)
        {
            if (Interlocked.Increment(ref signals) < 2) return;
            Console.Error.WriteLine("XMail: second signal, stopping immediately");
            pid.Dispose();
            Environment.Exit(130);
        }
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
        await server.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
