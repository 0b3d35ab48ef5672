using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using XMail.Fast.Core.Telemetry;

namespace XMail.Fast.Server.Metrics;

/// <summary>
/// Listens to the "XMail.Fast" meter and renders the current values in Prometheus text exposition format.
/// Counters and up-down counters are summed per tag set; histograms export _count and _sum; gauges are polled
/// at scrape time.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _sums = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), (long Count, double Sum)> _histograms = new();
    private readonly ConcurrentDictionary<string, (string Type, string? Help)> _meta = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != XMailMetrics.MeterName) return;
            _meta[Name(instrument)] = (instrument switch
            {
                Counter<long> => "counter",
                Histogram<double> => "histogram",
                _ => "gauge",
            }, instrument.Description);
            l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = (Name(instrument), Labels(tags));
        if (instrument is Histogram<double>)
            _histograms.AddOrUpdate(key, (1, value), (_, old) => (old.Count + 1, old.Sum + value));
        else if (instrument.IsObservable)
            _sums[key] = value;
        else
            _sums.AddOrUpdate(key, value, (_, old) => old + value);
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        foreach (var (name, (type, help)) in _meta.OrderBy(m => m.Key))
        {
            if (help is not null) sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type == "histogram" ? "summary" : type).Append('\n');
            if (type == "histogram")
            {
                foreach (var ((n, labels), (count, sum)) in _histograms.Where(h => h.Key.Name == name))
                {
                    sb.Append(n).Append("_count").Append(labels).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    sb.Append(n).Append("_sum").Append(labels).Append(' ').Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
                continue;
            }
            foreach (var ((n, labels), v) in _sums.Where(s => s.Key.Name == name))
                sb.Append(n).Append(labels).Append(' ').Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Name(Instrument i) => i.Name.Replace('.', '_') + (i is Counter<long> ? "_total" : "");

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var t in tags)
            parts.Add($"{t.Key}=\"{t.Value?.ToString()?.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        parts.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", parts) + "}";
    }

    public void Dispose() => _listener.Dispose();
}
