using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Server;

/// <summary>"SERVER SHUTDOWN [All]": a file named .shutdown in MailRoot stops the server (the file is removed).</summary>
internal sealed class ShutdownFileWatcher(MailServerContext context, IHostApplicationLifetime lifetime, ILogger<ShutdownFileWatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = context.Root.File(".shutdown");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!File.Exists(path)) continue;
                log.LogInformation("{File} found: shutting down", path);
                try { File.Delete(path); } catch (IOException) { }
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) { }
    }
}
