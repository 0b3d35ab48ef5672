using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Server.Metrics;

namespace XMail.Fast.Server;

/// <summary>
/// One running XMail.Fast: Kestrel listeners for every enabled protocol (no HTTP) plus the background
/// services, all sharing one <see cref="MailServerContext"/>. Used by Program and, in-process, by the tests.
/// </summary>
public sealed class XMailServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<(string Service, ListenOptions Listen)> _listeners;

    private XMailServer(IHost host, MailServerContext context, List<(string, ListenOptions)> listeners)
    {
        _host = host;
        Context = context;
        _listeners = listeners;
    }

    public MailServerContext Context { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The bound endpoints of a service ("SMTP", "SMTPS", "POP3", "POP3S", "CTRL", "CTRLS", "FINGER"), ports resolved after bind.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints(string service) =>
        _listeners.Where(l => l.Service == service).Select(l => l.Listen.IPEndPoint!).ToList();

    public int Port(string service) => EndPoints(service)[0].Port;

    public static async Task<XMailServer> StartAsync(XMailOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var root = new MailRoot(options.MailRootPath ?? throw new ArgumentException("MailRoot path not set"));
        root.EnsureLayout();
        var listeners = new List<(string, ListenOptions)>();
        MailServerContext? context = null;

        var endpoints = ServiceRegistry.Listeners(options)
            .Where(l => l.Options.Enabled)
            .SelectMany(l => l.Options.Endpoints().Select(ep => (l.Service, ep, l.ImplicitTls, l.Register)))
            .ToList();

        var builder = new HostBuilder()
            .ConfigureLogging(lb =>
            {
                if (logging is not null) logging(lb);
                else DiagnosticLogging.Configure(lb, root.LogsDir);
                lb.SetMinimumLevel(options.Debug ? LogLevel.Debug : LogLevel.Information);
                lb.AddFilter("Microsoft", LogLevel.Warning);
            })
            .ConfigureServices(services =>
            {
                // Graceful stop bound: sessions and workers get this long after the listeners close.
                services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
                services.AddSingleton(sp => context ??= new MailServerContext(root, options, sp.GetRequiredService<ILoggerFactory>()));
                services.AddSingleton(sp =>
                {
                    var ctx = sp.GetRequiredService<MailServerContext>();
                    var log = ctx.Loggers.CreateLogger("XMail.TLS");
                    return new ServerCertificate(root, new PeerCertificateVerifier(() => ctx.Config, root.Path, ctx.Time, log), log);
                });
                ServiceRegistry.AddServices(services, options);
                if (options.MetricsEndpoint is not null) services.AddSingleton<PrometheusExporter>();
            });

        // Kestrel binds http://localhost:5000 when it has no endpoint: with every service disabled, run without it.
        if (endpoints.Count > 0 || options.MetricsEndpoint is not null)
        {
            builder.ConfigureWebHost(web => web
                .UseKestrel(k =>
                {
                    k.AddServerHeader = false;
                    foreach (var (service, ep, implicitTls, register) in endpoints)
                    {
                        k.Listen(ep, lo =>
                        {
                            var tag = new ListenerTag(service, implicitTls);
                            lo.Use(next => ctx =>
                            {
                                ctx.Features.Set(tag);
                                return next(ctx);
                            });
                            register(lo);
                            listeners.Add((service, lo));
                        });
                    }
                    if (options.MetricsEndpoint is { } metrics)
                        k.Listen(metrics, lo =>
                        {
                            lo.Protocols = HttpProtocols.Http1;
                            listeners.Add(("METRICS", lo));
                        });
                })
                .Configure(app => app.Run(MetricsEndpoint.Handle)));
        }
        var host = builder.Build();

        context = host.Services.GetRequiredService<MailServerContext>();
        // The exporter must listen from the start, not from the first scrape.
        if (options.MetricsEndpoint is not null) host.Services.GetRequiredService<PrometheusExporter>();
        await host.StartAsync(ct).ConfigureAwait(false);
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("XMail");
        log.LogInformation("{Product} started, MailRoot {Root}", MailServerContext.ProductName, root.Path);
        foreach (var (service, lo) in listeners) log.LogInformation("{Service} listening on {EndPoint}", service, lo.IPEndPoint);
        return new XMailServer(host, context, listeners);
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) => _host.WaitForShutdownAsync(ct);

    public async Task StopAsync(TimeSpan grace)
    {
        using var cts = new CancellationTokenSource(grace);
        await _host.StopAsync(cts.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch { }
        _host.Dispose();
    }
}
