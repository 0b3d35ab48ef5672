using XMail.Fast.Core.Dns;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Dmarc;

/// <summary>
/// RFC 7489: policy discovery (_dmarc.From-domain, then _dmarc.organizational-domain, 6.6.3), identifier alignment
/// (3.1, strict or relaxed per adkim=/aspf=), the result, and the policy that applies (p=, or sp= for a subdomain
/// whose record came from its organizational domain; pct= sampling downgrades reject to quarantine and quarantine
/// to none, 6.6.4). <see cref="Decide"/> is the part without DNS, for table tests.
/// </summary>
public sealed class DmarcEvaluator
{
    private readonly IDnsResolver _dns;
    private readonly Func<int> _sample;

    /// <param name="sample">A number 0..99 per message for pct=; default random.</param>
    public DmarcEvaluator(IDnsResolver dns, Func<int>? sample = null)
    {
        _dns = dns;
        _sample = sample ?? (() => Random.Shared.Next(100));
    }

    /// <param name="fromDomains">The domains of the RFC5322.From field(s) of the message.</param>
    public async ValueTask<DmarcVerdict> EvaluateAsync(IReadOnlyList<string> fromDomains, SpfVerdict spf, IReadOnlyList<DkimSignatureResult> dkim,
        PublicSuffixList psl, CancellationToken ct = default)
    {
        var distinct = fromDomains.Select(d => d.TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
        if (distinct.Count == 0) return new DmarcVerdict(DmarcResult.None, "", DmarcPolicy.None, DmarcPolicy.None, "no From domain");
        // 6.6.1: one author domain; several make the message one that DMARC cannot judge.
        if (distinct.Count > 1) return new DmarcVerdict(DmarcResult.PermError, string.Join(",", distinct), DmarcPolicy.None, DmarcPolicy.None, "more than one From domain");
        var from = distinct[0];
        if (!Spf.SpfEvaluator.IsValidDomain(from)) return new DmarcVerdict(DmarcResult.None, from, DmarcPolicy.None, DmarcPolicy.None, "From domain is not a domain name");
        var org = psl.OrganizationalDomain(from);
        var (status, record) = await DiscoverAsync(from, ct).ConfigureAwait(false);
        bool atOrg = false;
        if (status == DnsStatus.NotFound && org != from)
        {
            (status, record) = await DiscoverAsync(org, ct).ConfigureAwait(false);
            atOrg = true;
        }
        if (status == DnsStatus.TempFail) return new DmarcVerdict(DmarcResult.TempError, from, DmarcPolicy.None, DmarcPolicy.None, "DNS failure looking up the DMARC record");
        var spfDomain = spf.Result == SpfResult.Pass && spf.Identity == "mailfrom" ? spf.Domain : null;
        var dkimDomains = dkim.Where(s => s.Result == DkimResult.Pass).Select(s => s.Domain).ToList();
        return Decide(from, record, atOrg, spfDomain, dkimDomains, psl, _sample());
    }

    /// <summary>The TXT records at _dmarc.domain: exactly one DMARC record is a policy, none or several are not.</summary>
    private async ValueTask<(DnsStatus, DmarcRecord?)> DiscoverAsync(string domain, CancellationToken ct)
    {
        var txt = await _dns.TxtAsync("_dmarc." + domain, ct).ConfigureAwait(false);
        if (txt.Status == DnsStatus.TempFail) return (DnsStatus.TempFail, null);
        var found = txt.IsOk ? txt.Values.Where(DmarcRecord.IsDmarcRecord).ToList() : [];
        if (found.Count != 1) return (DnsStatus.NotFound, null);
        var record = DmarcRecord.Parse(found[0]);
        return record is null ? (DnsStatus.NotFound, null) : (DnsStatus.Ok, record);
    }

    /// <param name="recordAtOrganizationalDomain">The record came from the organizational domain's _dmarc name.</param>
    /// <param name="spfPassDomain">The MAIL FROM domain when SPF passed for it, else null.</param>
    /// <param name="sample">0..99, compared with pct=.</param>
    public static DmarcVerdict Decide(string from, DmarcRecord? record, bool recordAtOrganizationalDomain, string? spfPassDomain,
        IReadOnlyList<string> dkimPassDomains, PublicSuffixList psl, int sample)
    {
        if (record is null) return new DmarcVerdict(DmarcResult.None, from, DmarcPolicy.None, DmarcPolicy.None, "no DMARC record");
        bool spfAligned = spfPassDomain is not null && Aligned(from, spfPassDomain, record.StrictSpf, psl);
        bool dkimAligned = dkimPassDomains.Any(d => Aligned(from, d, record.StrictDkim, psl));
        bool subdomain = recordAtOrganizationalDomain && !from.Equals(psl.OrganizationalDomain(from), StringComparison.OrdinalIgnoreCase);
        var requested = subdomain ? record.SubdomainPolicy ?? record.Policy : record.Policy;
        if (spfAligned || dkimAligned)
            return new DmarcVerdict(DmarcResult.Pass, from, requested, DmarcPolicy.None, spfAligned ? "SPF aligned" : "DKIM aligned");
        var applied = requested;
        if (sample >= record.Percent)
            applied = requested switch { DmarcPolicy.Reject => DmarcPolicy.Quarantine, _ => DmarcPolicy.None };
        return new DmarcVerdict(DmarcResult.Fail, from, requested, applied, "neither SPF nor DKIM aligned with the From domain");
    }

    /// <summary>3.1.1/3.1.2: strict is equality, relaxed is the same organizational domain.</summary>
    public static bool Aligned(string from, string other, bool strict, PublicSuffixList psl)
    {
        other = other.TrimEnd('.');
        if (from.Equals(other, StringComparison.OrdinalIgnoreCase)) return true;
        return !strict && psl.OrganizationalDomain(from).Equals(psl.OrganizationalDomain(other), StringComparison.OrdinalIgnoreCase);
    }
}
