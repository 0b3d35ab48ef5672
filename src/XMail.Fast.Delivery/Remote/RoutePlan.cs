namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Where mail for one destination goes: either an explicit list of gateways (smtpfwd.tab, DefaultSMTPGateways,
/// smtprelay), or the MX (else A/AAAA) hosts of <see cref="MxDomain"/> (the destination itself, or its smtpgw.tab
/// gateway). <see cref="RcptRoute"/> is the "@a,@b" source route a chained smtpgw.tab entry puts in RCPT TO.
/// </summary>
public sealed record RoutePlan(string Via, IReadOnlyList<GatewayHop>? Hops, string? MxDomain, GatewayOptions MxOptions, string? RcptRoute = null)
{
    public override string ToString() => Hops is null ? $"{Via} MX {MxDomain}" : $"{Via} {string.Join(';', Hops)}";
}
