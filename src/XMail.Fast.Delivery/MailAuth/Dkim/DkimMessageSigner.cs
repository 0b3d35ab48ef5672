using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// Signs a message with MimeKit's DkimSigner and returns only the DKIM-Signature fields (CRLF-terminated), to go in
/// front of the unchanged message bytes. Fields of the signed-header list that the message lacks are left out; a
/// message without From is not signed (6376 5.4: From must be signed).
/// </summary>
public sealed class DkimMessageSigner
{
    private static readonly FormatOptions Crlf = new() { NewLineFormat = NewLineFormat.Dos };
    private readonly TimeProvider _time;

    public DkimMessageSigner(TimeProvider time) => _time = time;

    /// <param name="message">The message (header and body), positioned at its first byte; left open.</param>
    public string Sign(Stream message, IReadOnlyList<DkimSigningKey> keys, string signedHeaders,
        DkimCanonicalizationAlgorithm headerCanon = DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm bodyCanon = DkimCanonicalizationAlgorithm.Relaxed)
    {
        if (keys.Count == 0) return "";
        var parsed = MimeMessage.Load(ParserOptions.Default, message, persistent: true);
        var present = signedHeaders.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(h => parsed.Headers.Contains(h)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!present.Contains("From", StringComparer.OrdinalIgnoreCase)) return "";
        var sb = new StringBuilder();
        foreach (var key in keys)
        {
            var signer = new TimestampedSigner(key, _time)
            {
                HeaderCanonicalizationAlgorithm = headerCanon,
                BodyCanonicalizationAlgorithm = bodyCanon,
            };
            // Each signature is computed over the message without the others (they are not in h=).
            signer.Sign(Crlf, parsed, present);
            var field = parsed.Headers[0];
            sb.Append(field.Field).Append(':').Append(Encoding.ASCII.GetString(field.RawValue).ReplaceLineEndings("\r\n"));
            parsed.Headers.RemoveAt(0);
        }
        return sb.ToString();
    }

    /// <summary>t= from the server's clock rather than the machine's.</summary>
    private sealed class TimestampedSigner(DkimSigningKey key, TimeProvider time) : DkimSigner(key.PrivateKey, key.Domain, key.Selector, key.Algorithm)
    {
        protected override long GetTimestamp() => time.GetUtcNow().ToUnixTimeSeconds();
    }
}
