namespace XMail.Fast.Delivery.Remote;

public enum RemoteOutcomeKind
{
    /// <summary>The server answered 250 to the end of DATA for this recipient: never send it again.</summary>
    Delivered,
    /// <summary>4xx, network failure, timeout or DNS failure: retry later.</summary>
    Temporary,
    /// <summary>5xx, or a domain/host that does not exist: bounce.</summary>
    Permanent,
}

/// <param name="Recipient">The recipient as given to <see cref="RemoteMailer.SendAsync"/>.</param>
/// <param name="Server">Which server answered ("mx.example.org[192.0.2.1]:25"), empty when none was reached.</param>
/// <param name="Text">The reply ("550 5.1.1 no such user") or the failure ("cannot connect ...").</param>
public readonly record struct RecipientOutcome(string Recipient, RemoteOutcomeKind Kind, string Server, string Text);
