using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Chooses the route for a destination domain the way XMail does: smtpgw.tab (wildcards; "@gw" or a chained
/// "@gw1,@gw2" route), then smtpfwd.tab, then server.tab's DefaultSMTPGateways, else the domain's MX records
/// (A/AAAA when it has none). Gateway options default to SmtpGwConfig.
/// </summary>
public sealed class RemoteRouter
{
    private readonly Func<DomainRouteTable> _gateways;
    private readonly Func<DomainRouteTable> _forwards;
    private readonly Func<ServerConfig> _config;
    private readonly ILogger? _log;

    public RemoteRouter(Func<DomainRouteTable> gateways, Func<DomainRouteTable> forwards, Func<ServerConfig> config, ILogger? log = null)
    {
        _gateways = gateways;
        _forwards = forwards;
        _config = config;
        _log = log;
    }

    public RemoteRouter(MailServerContext context)
        : this(() => context.Table("smtpgw.tab", DomainRouteTable.Load),
               () => context.Table("smtpfwd.tab", DomainRouteTable.Load),
               () => context.Config,
               context.Loggers.CreateLogger("XMail.Remote"))
    {
    }

    public GatewayOptions Defaults => _config().SmtpGwConfig is { } g ? GatewayOptions.Parse(g, GatewayOptions.None, Warn("SmtpGwConfig")) : GatewayOptions.None;

    public RoutePlan Route(string domain)
    {
        var defaults = Defaults;
        if (_gateways().Find(domain) is { Length: > 0 } gw)
        {
            var hops = gw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var first = hops[0].TrimStart('@');
            // The first gateway is reached like any domain (smtpfwd.tab, else its MX/A); the rest ride in RCPT TO.
            var inner = RouteWithoutGateways(first, defaults);
            return inner with { Via = "smtpgw.tab " + gw, RcptRoute = hops.Length > 1 ? string.Join(',', hops.Select(h => "@" + h.TrimStart('@'))) : null };
        }
        if (_forwards().Find(domain) is { Length: > 0 } fwd)
            return new RoutePlan("smtpfwd.tab", GatewayList.Parse(fwd, defaults, Warn("smtpfwd.tab")), null, defaults);
        if (_config().DefaultSMTPGateways is { } def)
            return new RoutePlan("DefaultSMTPGateways", GatewayList.Parse(def, defaults, Warn("DefaultSMTPGateways")), null, defaults);
        return new RoutePlan("MX", null, domain, defaults);
    }

    /// <summary>The "smtprelay" mailproc/custdomain command: its own gateway list, options over SmtpGwConfig.</summary>
    public RoutePlan Relay(string relays) => new("smtprelay", GatewayList.Parse(relays, Defaults, Warn("smtprelay")), null, Defaults);

    private RoutePlan RouteWithoutGateways(string domain, GatewayOptions defaults) =>
        _forwards().Find(domain) is { Length: > 0 } fwd
            ? new RoutePlan("smtpfwd.tab", GatewayList.Parse(fwd, defaults, Warn("smtpfwd.tab")), null, defaults)
            : new RoutePlan("MX", null, domain, defaults);

    private Action<string> Warn(string source) => bad => _log?.LogWarning("{Source}: cannot use \"{Entry}\"", source, bad);
}
