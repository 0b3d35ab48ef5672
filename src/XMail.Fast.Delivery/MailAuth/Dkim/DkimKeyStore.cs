using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// The signing keys under MailRoot/dkim/&lt;domain&gt;/&lt;selector&gt;.key. Every key of a domain signs (RFC 8463 3 suggests
/// an RSA and an Ed25519 signature side by side). A domain's folder is looked at again after
/// <see cref="Freshness"/>, and at once after a CTRL change; a key file that does not load is logged and skipped.
/// </summary>
public sealed class DkimKeyStore
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, (DkimSigningKey[] Keys, DateTimeOffset Until)> _domains = new(StringComparer.OrdinalIgnoreCase);

    public DkimKeyStore(string dkimRoot, TimeProvider time, ILogger log)
    {
        _root = dkimRoot;
        _time = time;
        _log = log;
    }

    public DkimKeyStore(MailServerContext ctx) : this(Path.Combine(ctx.Root.Path, "dkim"), ctx.Time, ctx.Loggers.CreateLogger("XMail.DKIM")) { }

    public string Root => _root;

    /// <summary>A domain name safe as a folder name under MailRoot/dkim (no separators, no "..").</summary>
    public static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 253 && !name.Contains("..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') && name[0] != '.';

    public IReadOnlyList<DkimSigningKey> KeysFor(string domain)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (!IsSafeName(domain)) return [];
        var now = _time.GetUtcNow();
        if (_domains.TryGetValue(domain, out var hit) && hit.Until > now) return hit.Keys;
        var keys = Load(domain);
        _domains[domain] = (keys, now + Freshness);
        return keys;
    }

    /// <summary>Keys for mail from <paramref name="domain"/>: its own, else those of the nearest parent domain that has
    /// some (relaxed DMARC alignment accepts a parent's signature).</summary>
    public IReadOnlyList<DkimSigningKey> KeysForSender(string domain)
    {
        var d = domain.TrimEnd('.').ToLowerInvariant();
        while (d.Count(c => c == '.') >= 1)
        {
            var keys = KeysFor(d);
            if (keys.Count > 0) return keys;
            d = d[(d.IndexOf('.') + 1)..];
        }
        return [];
    }

    public void Forget(string domain) => _domains.TryRemove(domain.ToLowerInvariant(), out _);

    private DkimSigningKey[] Load(string domain)
    {
        var dir = Path.Combine(_root, domain);
        if (!Directory.Exists(dir)) return [];
        var keys = new List<DkimSigningKey>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.key").Order(StringComparer.Ordinal))
        {
            var selector = Path.GetFileNameWithoutExtension(file);
            try
            {
                var key = DkimKeyFile.Read(File.ReadAllText(file));
                keys.Add(new DkimSigningKey(domain, selector, key, DkimKeyFile.AlgorithmOf(key), file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidCastException or ArgumentException)
            {
                _log.LogWarning("DKIM key {File}: {Error}; not used", file, ex.Message);
            }
        }
        return keys.ToArray();
    }
}
