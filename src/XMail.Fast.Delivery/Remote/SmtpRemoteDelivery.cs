using XMail.Fast.Delivery.Spool;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// The delivery engine's <see cref="IRemoteDelivery"/> plug: hands a spool message and its remote recipients to
/// <see cref="RemoteMailer"/> (normal routing, or the smtprelay list) and reports each recipient's outcome.
/// </summary>
public sealed class SmtpRemoteDelivery : IRemoteDelivery, IAsyncDisposable
{
    private readonly RemoteMailer _mailer;
    private readonly MailAuth.Dkim.DkimOutboundSigner? _dkim;

    public SmtpRemoteDelivery(RemoteMailer mailer, MailAuth.Dkim.DkimOutboundSigner? dkim = null)
    {
        _mailer = mailer;
        _dkim = dkim;
    }

    public RemoteMailer Mailer => _mailer;

    public async Task<RemoteResult> DeliverAsync(SpoolMessage message, string sender, IReadOnlyList<string> recipients, RemoteRoute route, CancellationToken ct)
    {
        var envelope = RemoteEnvelope.FromSpool(message.FilePath, message.Header, sender);
        if (_dkim is not null) envelope = envelope with { HeaderPrefix = _dkim.SignatureFor(message) };
        var relays = route.Kind == RemoteRouteKind.Relays ? route.Relays ?? "" : null;
        var outcomes = await _mailer.SendAsync(envelope, recipients, relays, ct).ConfigureAwait(false);
        var results = new RemoteRecipientResult[outcomes.Length];
        for (int i = 0; i < outcomes.Length; i++)
        {
            var o = outcomes[i];
            var status = o.Kind switch
            {
                RemoteOutcomeKind.Delivered => DeliveryStatus.Delivered,
                RemoteOutcomeKind.Permanent => DeliveryStatus.PermanentFailure,
                _ => DeliveryStatus.TemporaryFailure,
            };
            results[i] = new RemoteRecipientResult(o.Recipient, status, Describe(o));
        }
        return new RemoteResult(results);
    }

    /// <summary>"550 5.1.1 no such user (mx.example.org[192.0.2.1]:25)": the reply code first, as slog and bounces expect.</summary>
    private static string Describe(in RecipientOutcome o)
    {
        var text = o.Text;
        if (text.Length == 0 || !char.IsAsciiDigit(text[0]))
            text = (o.Kind switch { RemoteOutcomeKind.Delivered => "250 ", RemoteOutcomeKind.Permanent => "550 ", _ => "451 " }) + text;
        return o.Server.Length == 0 ? text : $"{text} ({o.Server})";
    }

    public ValueTask DisposeAsync() => _mailer.DisposeAsync();
}
