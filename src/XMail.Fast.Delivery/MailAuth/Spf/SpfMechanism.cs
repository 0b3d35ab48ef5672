using System.Net;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Spf;

/// <summary>
/// One parsed mechanism: its qualifier as the result it gives on a match, the domain-spec still to be macro-expanded
/// (null: the current domain), the dual CIDR lengths of a/mx, or the network of ip4/ip6.
/// </summary>
internal sealed record SpfMechanism(SpfResult OnMatch, SpfMechanismKind Kind, string? DomainSpec = null,
    int Cidr4 = 32, int Cidr6 = 128, IPAddress? Network = null, int Prefix = 0)
{
    public override string ToString() => Kind.ToString().ToLowerInvariant() + (DomainSpec is null ? "" : ":" + DomainSpec)
        + (Network is null ? "" : ":" + Network + "/" + Prefix);
}
