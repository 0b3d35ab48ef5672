using System.Collections.Concurrent;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using XMail.Fast.Core.Dns;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// MimeKit's key locator over the server's resolver: selector._domainkey.domain TXT (RFC 6376 3.6.2), through the
/// DNS cache. Parsed keys are kept by record text, so a cached answer costs no key parse. A DNS failure throws a
/// temporary <see cref="DkimKeyException"/>, a missing, revoked or malformed key a permanent one.
/// </summary>
internal sealed class DnsDkimKeyLocator : DkimPublicKeyLocatorBase
{
    private const int MaxCachedKeys = 10_000;
    private readonly IDnsResolver _dns;
    private readonly ConcurrentDictionary<string, AsymmetricKeyParameter> _keys = new(StringComparer.Ordinal);

    public DnsDkimKeyLocator(IDnsResolver dns) => _dns = dns;

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        if (!methods.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
            throw new DkimKeyException("no supported query method in q=" + methods, false);
        var name = selector + "._domainkey." + domain;
        if (!Spf.SpfEvaluator.IsValidDomain(name)) throw new DkimKeyException("bad key name " + name, false);
        var txt = await _dns.TxtAsync(name, cancellationToken).ConfigureAwait(false);
        if (txt.Status == DnsStatus.TempFail) throw new DkimKeyException("DNS failure looking up " + name, true);
        if (!txt.IsOk) throw new DkimKeyException("no key for signature at " + name, false);
        DkimKeyException? last = null;
        foreach (var record in txt.Values)
        {
            if (_keys.TryGetValue(record, out var cached)) return cached;
            try
            {
                var key = Parse(record);
                if (_keys.Count >= MaxCachedKeys) _keys.Clear();
                _keys[record] = key;
                return key;
            }
            catch (DkimKeyException ex)
            {
                last = ex;
            }
        }
        throw last ?? new DkimKeyException("no key for signature at " + name, false);
    }

    private AsymmetricKeyParameter Parse(string record)
    {
        var tags = TagList.Parse(record) ?? throw new DkimKeyException("malformed key record", false);
        if (tags.TryGetValue("v", out var v) && v != "DKIM1") throw new DkimKeyException("key record v=" + v, false);
        if (!tags.TryGetValue("p", out var p) || TagList.Compact(p).Length == 0) throw new DkimKeyException("key revoked (empty p=)", false);
        try
        {
            return GetPublicKey(record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new DkimKeyException("not a usable key: " + ex.Message, false);
        }
    }
}
