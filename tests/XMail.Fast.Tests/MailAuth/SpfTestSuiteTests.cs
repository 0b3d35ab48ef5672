using System.Net;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Delivery.MailAuth.Spf;
using YamlDotNet.RepresentationModel;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>One in-process DNS server for the whole suite; each case sets its scenario's zone.</summary>
public sealed class SpfSuiteDns : IDisposable
{
    public ZoneDnsServer Server { get; } = ZoneDnsServer.Start();
    public void Dispose() => Server.Dispose();
}

/// <summary>
/// The RFC 7208 test suite (rfc7208-tests.yml, openspf.org release 2014.04): every case, its scenario's zone data
/// served by an in-process DNS server, asked through the server's real <see cref="DnsResolver"/> and evaluated by
/// <see cref="SpfEvaluator"/>. The result must be the suite's (or one of its accepted results), and so must the
/// explanation where the suite names one ("DEFAULT": none from the domain).
/// </summary>
public sealed class SpfTestSuiteTests : IClassFixture<SpfSuiteDns>
{
    private static readonly Lazy<List<SpfSuiteCase>> Cases = new(Load);
    private readonly ZoneDnsServer _dns;

    public SpfTestSuiteTests(SpfSuiteDns dns) => _dns = dns.Server;

    public static IEnumerable<object[]> CaseNames() => Cases.Value.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Rfc7208Case(string name)
    {
        var c = Cases.Value.Single(x => x.Name == name);
        _dns.SetZone(c.Zone);
        var resolver = new DnsResolver(() => _dns.SmartDnsHost) { Timeout = TimeSpan.FromMilliseconds(250) };
        var spf = new SpfEvaluator(resolver) { Receiver = "receiver.test" };
        var verdict = await spf.CheckMailFromAsync(IPAddress.Parse(c.Host), c.Helo, c.MailFrom);
        var got = verdict.Keyword;
        Assert.True(c.Results.Contains(got), $"{name} ({c.Spec}): expected {string.Join("|", c.Results)}, got {got} ({verdict.Reason}); {c.Description}");
        // Case-insensitive: v-macro-ip6 expects upper-case nibbles where RFC 7208 7.3's own example has lower case
        // (the text is a DNS name, whose case does not matter).
        if (c.Explanation is { } exp)
            Assert.Equal(exp, verdict.Explanation ?? "DEFAULT", ignoreCase: true);
    }

    [Fact]
    public void TheWholeSuiteIsLoaded() => Assert.True(Cases.Value.Count >= 180, $"{Cases.Value.Count} cases");

    private sealed record SpfSuiteCase(string Name, string Description, string Spec, string Helo, string Host, string MailFrom,
        string[] Results, string? Explanation, Dictionary<string, List<ZoneRecord>> Zone);

    private static List<SpfSuiteCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "MailAuth", "Fixtures", "rfc7208-tests.yml");
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        var cases = new List<SpfSuiteCase>();
        foreach (var doc in yaml.Documents)
        {
            var root = (YamlMappingNode)doc.RootNode;
            var zone = ZoneOf((YamlMappingNode)root["zonedata"]);
            var description = Text(root, "description") ?? "";
            foreach (var (key, value) in (YamlMappingNode)root["tests"])
            {
                var t = (YamlMappingNode)value;
                var result = t["result"];
                string[] results = result is YamlSequenceNode seq ? seq.Select(n => ((YamlScalarNode)n).Value!).ToArray() : [((YamlScalarNode)result).Value!];
                cases.Add(new SpfSuiteCase(((YamlScalarNode)key).Value!, description + ": " + (Text(t, "description") ?? ""), Text(t, "spec") ?? "",
                    Text(t, "helo") ?? "", Text(t, "host")!, Text(t, "mailfrom") ?? "", results, Text(t, "explanation"), zone));
            }
        }
        return cases;
    }

    private static string? Text(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value : null;

    /// <summary>testspf.py's conventions: SPF-type records are served as TXT unless the name has TXT data of its own;
    /// "TXT: NONE" means no TXT record; a bare TIMEOUT item times out the types the name has no data for.</summary>
    private static Dictionary<string, List<ZoneRecord>> ZoneOf(YamlMappingNode zonedata)
    {
        var zone = new Dictionary<string, List<ZoneRecord>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (nameNode, list) in zonedata)
        {
            var name = ((YamlScalarNode)nameNode).Value!.TrimEnd('.');
            var records = new List<ZoneRecord>();
            var spf = new List<ZoneRecord>();
            bool hasTxt = false;
            foreach (var item in (YamlSequenceNode)list)
            {
                if (item is YamlScalarNode bare)
                {
                    if (bare.Value == "TIMEOUT") records.Add(ZoneRecord.Timeout);
                    continue;
                }
                foreach (var (typeNode, v) in (YamlMappingNode)item)
                {
                    var type = ((YamlScalarNode)typeNode).Value!;
                    object? data = v switch
                    {
                        YamlScalarNode s when type is "TXT" or "SPF" => s.Value == "NONE" ? null : s.Value == "TIMEOUT" ? "TIMEOUT" : new[] { s.Value! },
                        YamlSequenceNode s when type is "TXT" or "SPF" => s.Select(x => ((YamlScalarNode)x).Value!).ToArray(),
                        YamlSequenceNode s when type == "MX" => (int.Parse(((YamlScalarNode)s[0]).Value!), ((YamlScalarNode)s[1]).Value!.TrimEnd('.')),
                        YamlScalarNode s => s.Value!.TrimEnd('.'),
                        _ => null,
                    };
                    if (type == "TXT") hasTxt = true;
                    if (data is null) continue;
                    if (type == "SPF") spf.Add(new ZoneRecord("TXT", data));
                    else records.Add(new ZoneRecord(type, data));
                }
            }
            if (!hasTxt) records.InsertRange(0, spf);
            zone[name] = records;
        }
        return zone;
    }
}
