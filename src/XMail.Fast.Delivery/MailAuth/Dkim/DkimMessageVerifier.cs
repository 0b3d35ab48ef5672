using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// Verifies every DKIM-Signature of a message (RFC 6376, RFC 8463 Ed25519) with MimeKit's DkimVerifier. Checks
/// before any crypto: the tag list, the required tags, the algorithm (rsa-sha1 is refused, RFC 8301), h= has From
/// and at most <see cref="MaxSignedFields"/> names, i= lies within d=, x= is not past, the key exists, is a key and
/// an RSA key has at least the configured bits. A signature with l= shorter than the body verifies but gets
/// "policy": the unsigned rest could say anything (8.2). At most <see cref="MaxSignatures"/> are checked.
/// </summary>
internal sealed class DkimMessageVerifier
{
    public const int MaxSignatures = 8;
    public const int MaxSignedFields = 100;
    private readonly DnsDkimKeyLocator _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RsaSha256DkimVerifier _rsaVerifier;

    public DkimMessageVerifier(DnsDkimKeyLocator keys, TimeProvider time, ILogger log)
    {
        _rsaVerifier = new RsaSha256DkimVerifier(keys);
        _keys = keys;
        _time = time;
        _log = log;
    }

    /// <param name="bodyLength">Bytes of the message body as received (for l=).</param>
    public async Task<IReadOnlyList<DkimSignatureResult>> VerifyAsync(MimeMessage message, long bodyLength, int minKeyBits, CancellationToken ct)
    {
        var results = new List<DkimSignatureResult>();
        var verifier = new DkimVerifier(_keys) { MinimumRsaKeyLength = minKeyBits };
        foreach (var header in message.Headers)
        {
            if (header.Id != HeaderId.DkimSignature) continue;
            if (results.Count == MaxSignatures)
            {
                _log.LogInformation("DKIM: more than {Max} signatures, the rest not checked", MaxSignatures);
                break;
            }
            results.Add(await VerifyOneAsync(verifier, _rsaVerifier, message, header, bodyLength, minKeyBits, ct).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<DkimSignatureResult> VerifyOneAsync(DkimVerifier verifier, RsaSha256DkimVerifier rsaVerifier, MimeMessage message, Header header,
        long bodyLength, int minKeyBits, CancellationToken ct)
    {
        var tags = TagList.Parse(header.Value);
        if (tags is null) return new DkimSignatureResult(DkimResult.PermError, "", "", "", "", "malformed DKIM-Signature");
        string d = tags.GetValueOrDefault("d", ""), s = tags.GetValueOrDefault("s", ""), a = tags.GetValueOrDefault("a", "");
        var b = TagList.Compact(tags.GetValueOrDefault("b", ""));
        DkimSignatureResult Result(DkimResult r, string? why = null) => new(r, d, s, a, b.Length > 8 ? b[..8] : b, why);

        if (Precheck(tags, d, a) is { } problem) return Result(DkimResult.PermError, problem);
        try
        {
            var key = await _keys.LocatePublicKeyAsync(tags.GetValueOrDefault("q", "dns/txt"), d, s, ct).ConfigureAwait(false);
            if (key is RsaKeyParameters rsa && rsa.Modulus.BitLength < minKeyBits)
                return Result(DkimResult.PermError, $"RSA key of {rsa.Modulus.BitLength} bits, fewer than {minKeyBits}");
            if (a.StartsWith("ed25519", StringComparison.OrdinalIgnoreCase) != key is Ed25519PublicKeyParameters)
                return Result(DkimResult.PermError, "key type does not match a=" + a);
            bool valid = key is RsaKeyParameters rsaKey
                ? rsaVerifier.Verify(message, header, tags, rsaKey)
                : await verifier.VerifyAsync(message, header, ct).ConfigureAwait(false);
            if (!valid) return Result(DkimResult.Fail, "signature or body hash does not verify");
        }
        catch (DkimKeyException ex)
        {
            return Result(ex.Temporary ? DkimResult.TempError : DkimResult.PermError, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogDebug("DKIM d={Domain} s={Selector}: {Error}", d, s, ex.Message);
            return Result(DkimResult.PermError, "unverifiable: " + ex.Message);
        }
        if (tags.TryGetValue("l", out var l) && (!long.TryParse(l, out long limit) || limit < bodyLength))
            return Result(DkimResult.Policy, $"body length limit l={l} leaves part of the body unsigned");
        return Result(DkimResult.Pass);
    }

    /// <summary>3.5's required tags and the checks that need no key.</summary>
    private string? Precheck(Dictionary<string, string> tags, string d, string a)
    {
        foreach (var required in new[] { "v", "a", "b", "bh", "d", "h", "s" })
            if (!tags.ContainsKey(required)) return $"missing {required}= tag";
        if (tags["v"] != "1") return "v=" + tags["v"];
        if (!a.Equals("rsa-sha256", StringComparison.OrdinalIgnoreCase) && !a.Equals("ed25519-sha256", StringComparison.OrdinalIgnoreCase))
            return "algorithm a=" + a + " not accepted";
        var fields = tags["h"].Split(':');
        if (fields.Length > MaxSignedFields) return $"{fields.Length} signed fields (h=), more than {MaxSignedFields}";
        if (!fields.Any(f => f.Trim().Equals("from", StringComparison.OrdinalIgnoreCase))) return "From not signed";
        if (!Spf.SpfEvaluator.IsValidDomain(d)) return "bad d=" + d;
        if (tags.TryGetValue("i", out var i))
        {
            int at = i.LastIndexOf('@');
            var idom = at < 0 ? "" : i[(at + 1)..];
            if (!idom.Equals(d, StringComparison.OrdinalIgnoreCase) && !idom.EndsWith("." + d, StringComparison.OrdinalIgnoreCase))
                return "i= is not within d=";
        }
        if (tags.TryGetValue("x", out var x) && long.TryParse(x, out long expires) && expires < _time.GetUtcNow().ToUnixTimeSeconds())
            return "signature expired (x=)";
        return null;
    }
}
