using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Server.Metrics;

/// <summary>The only HTTP the server speaks, on the optional metrics listener: GET /metrics and GET /health.</summary>
internal static class MetricsEndpoint
{
    public static async Task Handle(HttpContext http)
    {
        switch (http.Request.Path.Value)
        {
            case "/metrics":
                var exporter = http.RequestServices.GetRequiredService<PrometheusExporter>();
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await http.Response.WriteAsync(exporter.Render());
                break;
            case "/health":
                // Healthy while the MailRoot is reachable: an orchestrator restarts us when the volume is gone.
                var context = http.RequestServices.GetRequiredService<MailServerContext>();
                bool ok = Directory.Exists(context.Root.SpoolDir) && File.Exists(context.Root.ServerTab);
                http.Response.StatusCode = ok ? 200 : 503;
                await http.Response.WriteAsync(ok ? "OK\n" : "MailRoot unavailable\n");
                break;
            default:
                http.Response.StatusCode = 404;
                break;
        }
    }
}
