using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Protocols.Connections;
using XMail.Fast.Server.Metrics;
using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server;

/// <summary>
/// One running XMail.Fast: Kestrel listeners for every enabled protocol (no HTTP) plus the background
/// services, all sharing one <see cref="MailServerContext"/>. Used by Program and, in-process, by the tests.
/// It holds the MailRoot's lock from before the spool is touched until it is disposed.
/// </summary>
public sealed class XMailServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<(string Service, ListenOptions Listen)> _listeners;
    private readonly MailRootLock _lock;

    private XMailServer(IHost host, MailServerContext context, List<(string, ListenOptions)> listeners, MailRootLock mailRootLock)
    {
        _host = host;
        Context = context;
        _listeners = listeners;
        _lock = mailRootLock;
    }

    public MailServerContext Context { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The bound endpoints of a service ("SMTP", "SMTPS", "POP3", "POP3S", "CTRL", "CTRLS", "FINGER"), ports resolved after bind.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints(string service) =>
        _listeners.Where(l => l.Service == service).Select(l => l.Listen.IPEndPoint!).ToList();

    public int Port(string service) => EndPoints(service)[0].Port;

    /// <summary>
    /// Starts the server on an existing MailRoot. Everything that keeps it from starting is a <see cref="StartupFailure"/>
    /// (one line and an exit code): not a MailRoot, MailRoot in use or not writable, a port that cannot be bound, an
    /// unusable server.cert/server.key.
    /// </summary>
    public static async Task<XMailServer> StartAsync(XMailOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var path = Path.GetFullPath(options.MailRootPath ?? throw new ArgumentException("MailRoot path not set"));
        MailRootGuard.Require(path, "-Ms");
        var mailRootLock = MailRootLock.Acquire(path); // before anything reads or recovers the spool
        IHost? host = null;
        try
        {
            var root = new MailRoot(path);
            CreateLayout(root);
            var services = ServiceRegistry.Listeners(options).Where(l => l.Options.Enabled).ToList();
            ListenerCheck.CheckPorts(services.Select(l => (l.Service, l.Options)));
            var endpoints = services.SelectMany(l => l.Options.Endpoints().Select(ep => (l.Service, ep, l.ImplicitTls, l.Register))).ToList();
            ListenerCheck.CheckBinds(endpoints.Select(e => (e.Service, e.ep))
                .Concat(options.MetricsEndpoint is { } m ? [("METRICS", m)] : []));
            var listeners = new List<(string, ListenOptions)>();
            host = BuildHost(options, root, endpoints, listeners, logging);
            var context = host.Services.GetRequiredService<MailServerContext>();
            var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("XMail");
            CheckCertificate(host.Services.GetRequiredService<ServerCertificate>(), context, services.Select(s => s.Service).ToList(), log);
            // The exporter must listen from the start, not from the first scrape.
            if (options.MetricsEndpoint is not null) host.Services.GetRequiredService<PrometheusExporter>();
            try
            {
                await host.StartAsync(ct).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException or System.Net.Sockets.SocketException)
            {
                throw ListenerCheck.FromKestrel(ex);
            }
            log.LogInformation("{Product} started, MailRoot {Root}", MailServerContext.ProductName, root.Path);
            foreach (var (service, lo) in listeners) log.LogInformation("{Service} listening on {EndPoint}", service, lo.IPEndPoint);
            return new XMailServer(host, context, listeners, mailRootLock);
        }
        catch
        {
            if (host is not null) await StopAndDisposeAsync(host, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            mailRootLock.Dispose();
            throw;
        }
    }

    private static void CreateLayout(MailRoot root)
    {
        try
        {
            root.EnsureLayout();
            // Folders left behind by a run as another user (root, say) are found now, not at the first message.
            var probe = Path.Combine(root.SpoolDir, "temp", ".write-test-" + Environment.ProcessId);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailure(ExitCodes.MailRootNotWritable,
                $"MailRoot {root.Path} is not writable: {ex.Message.TrimEnd('.')}; make it writable by the user the server runs as ({CurrentUser.Describe()})", ex);
        }
    }

    /// <summary>
    /// An unusable pair stops the start (the administrator meant to have TLS); a missing pair is only reported, since
    /// an XMail 1.27 MailRoot without one keeps working as it did (TLS refused).
    /// </summary>
    private static void CheckCertificate(ServerCertificate certificate, MailServerContext context, List<string> services, ILogger log)
    {
        if (certificate.Configured)
        {
            try
            {
                var loaded = certificate.Load();
                if (loaded.Certificate.NotAfter.ToUniversalTime() < context.Time.GetUtcNow().UtcDateTime)
                    log.LogWarning("{File} expired on {Date:yyyy-MM-dd}: clients that verify certificates will refuse TLS", certificate.CertPath, loaded.Certificate.NotAfter);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException)
            {
                throw new StartupFailure(ExitCodes.BadCertificate,
                    $"TLS certificate unusable: {ex.Message.TrimEnd('.')} ({certificate.CertPath}, {certificate.KeyPath}); " +
                    "put a PEM certificate (or full chain) in server.cert and its private key in server.key, or remove both to run without TLS", ex);
            }
        }
        var cfg = context.Config;
        var tls = services.Where(s => s is "SMTPS" or "POP3S" or "CTRLS").ToList();
        if (services.Contains("SMTP") && cfg.EnableSmtpTls) tls.Add("SMTP STARTTLS");
        if (services.Contains("POP3") && cfg.EnablePop3Tls) tls.Add("POP3 STLS");
        if (services.Contains("CTRL") && cfg.EnableCtrlTls) tls.Add("CTRL #!TLS");
        if (tls.Count > 0)
            log.LogWarning("no {Cert}/server.key: {Services} refuse TLS until they exist (XMail --init creates a self-signed pair)",
                certificate.CertPath, string.Join(", ", tls));
    }

    private static IHost BuildHost(XMailOptions options, MailRoot root,
        List<(string Service, IPEndPoint Endpoint, bool ImplicitTls, Action<ListenOptions> Register)> endpoints,
        List<(string, ListenOptions)> listeners, Action<ILoggingBuilder>? logging)
    {
        MailServerContext? context = null;
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
            builder.ConfigureWebHost(web => web.UseKestrel(k => Listen(k, options, endpoints, listeners)).Configure(app => app.Run(MetricsEndpoint.Handle)));
        return builder.Build();
    }

    private static void Listen(KestrelServerOptions k, XMailOptions options,
        List<(string Service, IPEndPoint Endpoint, bool ImplicitTls, Action<ListenOptions> Register)> endpoints, List<(string, ListenOptions)> listeners)
    {
        k.AddServerHeader = false;
        foreach (var (service, ep, implicitTls, register) in endpoints)
        {
            k.Listen(ep, lo =>
            {
                UseConnectionMiddleware(lo, new ListenerTag(service, implicitTls));
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
    }

    /// <summary>
    /// What runs on every accepted connection before its protocol handler's admission: the listener tag (which
    /// service, implicit TLS or not) as a connection feature. A PROXY protocol reader belongs here too: it replaces
    /// ConnectionContext.RemoteEndPoint, so admission, policy, logs and per-address limits all see the real client.
    /// </summary>
    private static void UseConnectionMiddleware(ListenOptions lo, ListenerTag tag) =>
        lo.Use(next => ctx =>
        {
            ctx.Features.Set(tag);
            return next(ctx);
        });

    public Task WaitForShutdownAsync(CancellationToken ct = default) => _host.WaitForShutdownAsync(ct);

    public async Task StopAsync(TimeSpan grace)
    {
        using var cts = new CancellationTokenSource(grace);
        await _host.StopAsync(cts.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAndDisposeAsync(_host, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _lock.Dispose(); // last: nothing of this server touches the MailRoot any more
    }

    private static async Task StopAndDisposeAsync(IHost host, TimeSpan grace)
    {
        try
        {
            using var cts = new CancellationTokenSource(grace);
            await host.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch { }
        host.Dispose();
    }
}
