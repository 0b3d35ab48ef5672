namespace XMail.Fast.Delivery.MailAuth.Spf;

/// <summary>RFC 7208 5: the eight mechanisms.</summary>
internal enum SpfMechanismKind
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}
