namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// What to send: the spool file (its message part starts at <see cref="DataOffset"/>, after "&lt;&lt;MAIL-DATA&gt;&gt;")
/// and the reverse path. <see cref="Body8Bit"/> passes BODY=8BITMIME on when the sender declared it.
/// </summary>
public sealed record RemoteEnvelope(string SpoolPath, long DataOffset, string MailFrom, bool Body8Bit = false, string MessageId = "")
{
    /// <summary>Header fields sent before the spool file's message (DKIM-Signature), CRLF-terminated; usually empty.</summary>
    public ReadOnlyMemory<byte> HeaderPrefix { get; init; }

    /// <summary>From a spool file header; the reverse path can be replaced (lredirect impersonates the recipient).</summary>
    public static RemoteEnvelope FromSpool(string path, Core.Spool.SpoolHeader header, string? sender = null) =>
        new(path, header.DataOffset, sender ?? header.MailFrom,
            header.MailFromLine.Contains("BODY=8BITMIME", StringComparison.OrdinalIgnoreCase), header.MessageId);
}
