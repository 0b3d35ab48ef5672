namespace XMail.Fast.Delivery.Dns;

/// <summary>The dnscache sub-folders of the spec.</summary>
public enum DnsDiskKind
{
    Mx,
    Ns,
}
