using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// mailauth.exempt.tab: one "domain-pattern" a line (wildcards as in XMail's tables). Mail whose envelope sender or
/// From domain matches is still checked and reported, but never refused or quarantined for it.
/// </summary>
public sealed class ExemptDomainsTable
{
    private readonly string[] _patterns;

    private ExemptDomainsTable(string[] patterns) => _patterns = patterns;

    public static ExemptDomainsTable Load(string path, ILogger? log = null) =>
        new(TabFile.Records(path, 1, log).Select(l => l.Fields![0].Trim().ToLowerInvariant()).Where(p => p.Length > 0).ToArray());

    public bool Matches(string domain)
    {
        if (domain.Length == 0) return false;
        foreach (var p in _patterns)
            if (Wildcard.IsMatch(p, domain.ToLowerInvariant())) return true;
        return false;
    }
}
