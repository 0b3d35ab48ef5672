namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// The outcome for one delivery target of a message: <paramref name="Recipient"/> is the RCPT of the spool file it
/// came from, <paramref name="Target"/> the final address (after aliases, redirects, list expansion).
/// <paramref name="Notify"/>: a permanent failure the sender hears about (filters exit 4/5 say no);
/// <paramref name="Freeze"/>: keep the message in froz/ (filter exit 4 says no).
/// </summary>
public sealed record TargetResult(string Recipient, string Target, DeliveryStatus Status, string Text, bool Notify = true, bool Freeze = true);
