namespace XMail.Fast.Delivery.Remote;

/// <summary>How to reach the next hop.</summary>
public enum RemoteRouteKind
{
    /// <summary>Normal routing: smtpgw.tab, smtpfwd.tab, DefaultSMTPGateways, then MX/A records of the recipient domain.</summary>
    Default,
    /// <summary>A "smtprelay" command: <see cref="RemoteRoute.Relays"/> holds its gateway list exactly as written
    /// ("server[:port][,options];..." with an optional leading '#' for random order).</summary>
    Relays,
}

/// <summary>The route of a group of remote recipients: normal routing or a "smtprelay" gateway list.</summary>
public sealed record RemoteRoute(RemoteRouteKind Kind, string? Relays = null)
{
    public static readonly RemoteRoute Default = new(RemoteRouteKind.Default);
}
