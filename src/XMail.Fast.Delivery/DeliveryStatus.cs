namespace XMail.Fast.Delivery;

/// <summary>The outcome of delivering to one recipient.</summary>
public enum DeliveryStatus
{
    Delivered,
    /// <summary>Try again later (4xx, network, no route yet).</summary>
    TemporaryFailure,
    /// <summary>Give up and bounce (5xx, unknown user, quota, filter rejection).</summary>
    PermanentFailure,
}
