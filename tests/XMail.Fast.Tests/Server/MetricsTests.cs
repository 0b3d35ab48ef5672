using System.Net;
using XMail.Fast.Core.Telemetry;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Server;

public class MetricsTests
{
    [Fact]
    public async Task Metrics_listener_exports_prometheus_text_and_health()
    {
        await using var s = await TestServer.StartAsync(o => o.MetricsEndpoint = new IPEndPoint(IPAddress.Loopback, 0));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{s.Port("METRICS")}") };

        XMailMetrics.AuthFailures.Add(3, XMailMetrics.Tag("protocol", "metrics-test"));
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE xmail_auth_failures_total counter", text);
        Assert.Matches(@"xmail_auth_failures_total\{protocol=""metrics-test""\} 3\b", text);
        Assert.Contains("xmail_queue_depth", text);

        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/other")).StatusCode);

        Directory.Delete(s.Root.File("spool"), recursive: true);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Metrics_listener_is_off_by_default()
    {
        await using var s = await TestServer.StartAsync();
        Assert.Empty(s.Server.EndPoints("METRICS"));
    }
}
