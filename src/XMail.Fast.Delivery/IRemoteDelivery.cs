using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery;

/// <summary>
/// Remote (SMTP) delivery, the plug for issue 5. The SMAIL worker calls it once per (sender, route) group of remote
/// recipients of a message, after local delivery and FILTERS.OUT.TAB. The implementation streams
/// <see cref="SpoolMessage.OpenMessage"/> to the next hop and answers for every recipient it was given, in any order.
/// It must not throw for delivery errors (only for cancellation): a connection failure is a temporary failure of
/// each recipient. Retrying, freezing and bouncing are the caller's job.
/// </summary>
public interface IRemoteDelivery
{
    Task<RemoteResult> DeliverAsync(SpoolMessage message, string sender, IReadOnlyList<string> recipients, RemoteRoute route, CancellationToken ct);
}

/// <summary>How to reach the next hop.</summary>
public enum RemoteRouteKind
{
    /// <summary>Normal routing: smtpgw.tab, smtpfwd.tab, DefaultSMTPGateways, then MX/A records of the recipient domain.</summary>
    Default,
    /// <summary>A "smtprelay" command: <see cref="RemoteRoute.Relays"/> holds its gateway list exactly as written
    /// ("server[:port][,options];..." with an optional leading '#' for random order).</summary>
    Relays,
}

public sealed record RemoteRoute(RemoteRouteKind Kind, string? Relays = null)
{
    public static readonly RemoteRoute Default = new(RemoteRouteKind.Default);
}

/// <param name="Text">The SMTP reply or error text (e.g. "550 5.1.1 no such user"), shown in logs and bounces.</param>
public readonly record struct RemoteRecipientResult(string Recipient, DeliveryStatus Status, string Text);

public sealed record RemoteResult(IReadOnlyList<RemoteRecipientResult> Recipients);

/// <summary>
/// Used until a remote delivery engine is registered: every remote recipient gets a temporary failure, so the
/// message waits in rsnd/ and is delivered once an engine exists (it is not silently dropped or bounced).
/// </summary>
public sealed class NoRemoteDelivery : IRemoteDelivery
{
    public const string Reason = "451 no remote delivery configured";

    public Task<RemoteResult> DeliverAsync(SpoolMessage message, string sender, IReadOnlyList<string> recipients, RemoteRoute route, CancellationToken ct) =>
        Task.FromResult(new RemoteResult(recipients.Select(r => new RemoteRecipientResult(r, DeliveryStatus.TemporaryFailure, Reason)).ToList()));
}
