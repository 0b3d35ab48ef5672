namespace XMail.Fast.Delivery;

/// <summary>
/// What became of one recipient of a message, whatever delivered it (mailbox, list fan-out, redirect, external
/// command, filter, remote SMTP): the one per-recipient result every delivery kind reports, as in maddy's delivery
/// contract. The SMAIL pass collects them and settles the message from them: logs, slog/, bounces, retry or freeze.
/// </summary>
/// <param name="Recipient">The RCPT of the spool file the target came from.</param>
/// <param name="Target">The final address (after aliases, redirects, list expansion).</param>
/// <param name="Text">What the logs, slog/ and bounces show (e.g. "550 5.1.1 no such user (mx.example.org[192.0.2.1]:25)").</param>
public sealed record RecipientOutcome(string Recipient, string Target, DeliveryStatus Status, string Text)
{
    /// <summary>A permanent failure the sender hears about (filters exit 4/5 say no).</summary>
    public bool Notify { get; init; } = true;

    /// <summary>A permanent failure keeps the message in froz/ (filter exit 4 says no).</summary>
    public bool Freeze { get; init; } = true;

    /// <summary>Which server answered ("mx.example.org[192.0.2.1]:25"); empty when none was reached or delivery was local.</summary>
    public string Server { get; init; } = "";

    /// <summary>
    /// A remote recipient's outcome: the reply code first (one is put in front of a failure that has none, such as
    /// "cannot connect ..."), then the server that answered, as slog and bounces expect.
    /// </summary>
    public static RecipientOutcome Remote(string recipient, DeliveryStatus status, string server, string reply)
    {
        if (reply.Length == 0 || !char.IsAsciiDigit(reply[0]))
            reply = (status switch { DeliveryStatus.Delivered => "250 ", DeliveryStatus.PermanentFailure => "550 ", _ => "451 " }) + reply;
        return new RecipientOutcome(recipient, recipient, status, server.Length == 0 ? reply : $"{reply} ({server})") { Server = server };
    }
}
