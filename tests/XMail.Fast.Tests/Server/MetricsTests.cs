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
        Assert.Contains("xmail_queue_ready", text);
        Assert.Contains("xmail_queue_waiting", text);

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

public class SessionMetricsTests
{
    [Fact]
    public async Task Open_sessions_are_counted_per_protocol()
    {
        await using var s = await TestServer.StartAsync(o => o.MetricsEndpoint = new IPEndPoint(IPAddress.Loopback, 0));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{s.Port("METRICS")}") };
        await using (var finger = await LineClient.ConnectAsync(s.Port("FINGER")))
        {
            await finger.SendLineAsync("xmailuser");
            Assert.True(await finger.IsClosedByServerAsync());
        }
        await using var pop = await LineClient.ConnectAsync(s.Port("POP3"));
        Assert.StartsWith("+OK", await pop.ReadLineAsync());
        var text = await http.GetStringAsync("/metrics");
        Assert.Matches(@"xmail_sessions_total\{protocol=""finger""\} [1-9]", text);
        Assert.Matches(@"xmail_sessions_active\{protocol=""pop3""\} [1-9]", text);
    }
}

public class MailMetricsTests
{
    [Fact]
    public async Task Accepted_and_delivered_messages_are_counted_and_smail_logged()
    {
        await using var s = await TestServer.StartAsync(o => { o.MetricsEndpoint = new IPEndPoint(IPAddress.Loopback, 0); o.SmailLog = true; o.Smtp.Log = true; });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{s.Port("METRICS")}") };
        await using var c = await LineClient.ConnectAsync(s.Port("SMTP"));
        Assert.StartsWith("220", await c.ReadLineAsync());
        foreach (var line in new[] { "HELO kit.test", "MAIL FROM:<a@example.org>", "RCPT TO:<xmailuser@xmailserver.test>", "DATA" })
        {
            await c.SendLineAsync(line);
            Assert.Matches("^(250|354)", await c.ReadLineAsync());
        }
        await c.SendAsync("Subject: m\r\n\r\nbody\r\n.\r\n");
        Assert.StartsWith("250", await c.ReadLineAsync());
        var logs = s.Root.File("logs");
        Assert.True(await TestServer.WaitUntilAsync(() => Directory.GetFiles(logs, "smail-*").Length == 1));
        Assert.Contains("\"xmailuser@xmailserver.test\"", File.ReadAllText(Directory.GetFiles(logs, "smail-*")[0]));
        var smtpLog = File.ReadAllText(Assert.Single(Directory.GetFiles(logs, "smtp-*")));
        Assert.Contains("\"kit.test\"\t\"127.0.0.1\"", smtpLog);
        Assert.Contains("\"RECV=OK\"", smtpLog);
        var text = await http.GetStringAsync("/metrics");
        Assert.Matches(@"xmail_messages_accepted_total\{source=""smtp""\} [1-9]", text);
        Assert.Matches(@"xmail_deliveries_total\{result=""delivered""\} [1-9]", text);

        await c.SendLineAsync("MAIL FROM:<a@example.org>");
        Assert.StartsWith("250", await c.ReadLineAsync());
        await c.SendLineAsync("RCPT TO:<nobody@xmailserver.test>");
        Assert.StartsWith("550", await c.ReadLineAsync());
        Assert.Matches(@"xmail_policy_rejections_total\{code=""550"",stage=""rcpt""\} [1-9]", await http.GetStringAsync("/metrics"));
    }
}
