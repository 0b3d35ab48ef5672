using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace XMail.Fast.Core.Telemetry;

/// <summary>
/// The server's instruments (meter "XMail.Fast"): readable with `dotnet-counters monitor -n XMail --counters
/// XMail.Fast` and exported in Prometheus text format by the optional metrics listener. Counters are tagged
/// (protocol, reason, result) so one instrument covers a family.
/// </summary>
public static class XMailMetrics
{
    public const string MeterName = "XMail.Fast";
    public static readonly Meter Meter = new(MeterName, "1.0.0");

    /// <summary>Open sessions; tag "protocol" = smtp, pop3, ctrl, finger.</summary>
    public static readonly UpDownCounter<long> Sessions = Meter.CreateUpDownCounter<long>("xmail.sessions.active", "{session}", "Open protocol sessions");
    public static readonly Counter<long> SessionsTotal = Meter.CreateCounter<long>("xmail.sessions", "{session}", "Sessions accepted");
    /// <summary>Messages accepted into the spool; tag "source" = smtp, lmail, psync.</summary>
    public static readonly Counter<long> MessagesAccepted = Meter.CreateCounter<long>("xmail.messages.accepted", "{message}");
    /// <summary>Per-recipient delivery outcomes; tag "result" = delivered, deferred, bounced, frozen; "kind" = local, remote.</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("xmail.deliveries", "{recipient}");
    public static readonly Histogram<double> DeliveryLatency = Meter.CreateHistogram<double>("xmail.delivery.latency", "s", "Spool commit to final outcome");
    /// <summary>Failed logins; tag "protocol".</summary>
    public static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>("xmail.auth.failures", "{attempt}");
    /// <summary>Policy rejections; tag "reason" = ipmap, spammers, spam-address, dnsbl, rdns, relay, unknown-user, size, filter, ...</summary>
    public static readonly Counter<long> PolicyRejections = Meter.CreateCounter<long>("xmail.policy.rejections", "{rejection}");

    private static Func<long>? _ready;
    private static Func<long>? _waiting;

    static XMailMetrics()
    {
        Meter.CreateObservableGauge("xmail.queue.ready", () => _ready?.Invoke() ?? 0, "{message}", "Messages waiting for a free SMAIL worker");
        Meter.CreateObservableGauge("xmail.queue.waiting", () => _waiting?.Invoke() ?? 0, "{message}", "Messages waiting for their next retry (rsnd/)");
    }

    /// <summary>The delivery engine tells the gauges where to read the queue state.</summary>
    public static void ObserveQueue(Func<long> ready, Func<long> waiting)
    {
        _ready = ready;
        _waiting = waiting;
    }

    public static TagList Tag(string key, string value) => new() { { key, value } };
}
