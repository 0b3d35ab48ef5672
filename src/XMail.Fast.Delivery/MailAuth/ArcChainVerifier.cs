using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Cryptography;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.MailAuth.Dkim;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>RFC 8617 chain validation with MimeKit's ArcVerifier; the result and the newest sealer's domain.</summary>
internal sealed class ArcChainVerifier
{
    private const int MaxSets = 50; // 8617 5.1.1.1: more instances than that is a fail
    private readonly DnsDkimKeyLocator _keys;
    private readonly ILogger _log;

    public ArcChainVerifier(DnsDkimKeyLocator keys, ILogger log)
    {
        _keys = keys;
        _log = log;
    }

    public async Task<(ArcResult Result, string? Sealer, string? Reason)> VerifyAsync(MimeMessage message, int minKeyBits, CancellationToken ct)
    {
        int seals = message.Headers.Count(h => h.Id == HeaderId.ArcSeal);
        if (seals == 0) return (ArcResult.None, null, null);
        if (seals > MaxSets) return (ArcResult.Fail, null, $"{seals} ARC sets");
        try
        {
            var verifier = new ArcVerifier(_keys) { MinimumRsaKeyLength = minKeyBits };
            var r = await verifier.VerifyAsync(message, ct).ConfigureAwait(false);
            var result = r.Chain switch
            {
                ArcSignatureValidationResult.Pass => ArcResult.Pass,
                ArcSignatureValidationResult.None => ArcResult.None,
                _ => ArcResult.Fail,
            };
            return (result, result == ArcResult.Pass ? NewestSealer(message) : null, result == ArcResult.Fail ? r.ChainErrors.ToString() : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogDebug("ARC: {Error}", ex.Message);
            return (ArcResult.Fail, null, ex.Message);
        }
    }

    /// <summary>d= of the ARC-Seal with the highest i=.</summary>
    private static string? NewestSealer(MimeMessage message)
    {
        string? sealer = null;
        int best = 0;
        foreach (var h in message.Headers)
        {
            if (h.Id != HeaderId.ArcSeal || TagList.Parse(h.Value) is not { } tags) continue;
            if (int.TryParse(tags.GetValueOrDefault("i"), out int i) && i > best && tags.TryGetValue("d", out var d))
            {
                best = i;
                sealer = d;
            }
        }
        return sealer;
    }
}
