using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.MailAuth.Dmarc;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>
/// RFC 7489 without sockets: identifier alignment (Appendix B.1), policy, sp=, pct= and record parsing (Appendix B.2's
/// records and 6.6.3/6.6.4's rules) as table rows over <see cref="DmarcEvaluator.Decide"/>; the organizational
/// domain over a small PSL fixture.
/// </summary>
public sealed class DmarcTests
{
    private static readonly PublicSuffixList Psl = PublicSuffixList.Load(MailAuthKit.Fixture("psl-fixture.dat"));

    [Theory]
    // B.1.1 SPF: same domain aligns strictly and relaxed; a child domain only relaxed; another domain never.
    [InlineData("example.com", "example.com", false, true)]
    [InlineData("example.com", "example.com", true, true)]
    [InlineData("example.com", "child.example.com", false, true)]
    [InlineData("example.com", "child.example.com", true, false)]
    [InlineData("example.com", "example.org", false, false)]
    // B.1.2 DKIM: d=example.com with From in a child domain; d=sample.net never.
    [InlineData("child.example.com", "example.com", false, true)]
    [InlineData("child.example.com", "example.com", true, false)]
    [InlineData("child.example.com", "sample.net", false, false)]
    // Organizational domains under a two-label public suffix do not align with each other.
    [InlineData("a.co.uk", "b.co.uk", false, false)]
    [InlineData("mail.a.co.uk", "a.co.uk", false, true)]
    public void Alignment(string from, string other, bool strict, bool aligned) =>
        Assert.Equal(aligned, DmarcEvaluator.Aligned(from, other, strict, Psl));

    public static TheoryData<string, string, bool, string?, string[], int, DmarcResult, DmarcPolicy, DmarcPolicy> Rows() => new()
    {
        // from, record, record found at the organizational domain, SPF-pass domain, DKIM-pass domains, pct sample -> result, requested, applied
        // B.1.3: DKIM d=example.com aligns even though SPF passed for example.net.
        { "example.com", "v=DMARC1; p=reject", false, "example.net", ["example.com"], 0, DmarcResult.Pass, DmarcPolicy.Reject, DmarcPolicy.None },
        { "example.com", "v=DMARC1; p=reject", false, "example.com", [], 0, DmarcResult.Pass, DmarcPolicy.Reject, DmarcPolicy.None },
        { "example.com", "v=DMARC1; p=reject", false, "example.net", ["sample.net"], 0, DmarcResult.Fail, DmarcPolicy.Reject, DmarcPolicy.Reject },
        // B.2.1: p=none monitors only.
        { "example.com", "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", false, null, [], 0, DmarcResult.Fail, DmarcPolicy.None, DmarcPolicy.None },
        { "example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com", false, null, [], 0, DmarcResult.Fail, DmarcPolicy.Quarantine, DmarcPolicy.Quarantine },
        // B.2.4-style sampling: pct=5 applies to a message sampled under 5, is one step milder above.
        { "example.com", "v=DMARC1; p=quarantine; pct=5", false, null, [], 3, DmarcResult.Fail, DmarcPolicy.Quarantine, DmarcPolicy.Quarantine },
        { "example.com", "v=DMARC1; p=quarantine; pct=5", false, null, [], 50, DmarcResult.Fail, DmarcPolicy.Quarantine, DmarcPolicy.None },
        { "example.com", "v=DMARC1; p=reject; pct=0", false, null, [], 0, DmarcResult.Fail, DmarcPolicy.Reject, DmarcPolicy.Quarantine },
        // sp= governs a subdomain whose record came from the organizational domain; p= when sp= is absent.
        { "child.example.com", "v=DMARC1; p=reject; sp=none", true, null, [], 0, DmarcResult.Fail, DmarcPolicy.None, DmarcPolicy.None },
        { "child.example.com", "v=DMARC1; p=reject", true, null, [], 0, DmarcResult.Fail, DmarcPolicy.Reject, DmarcPolicy.Reject },
        { "example.com", "v=DMARC1; p=reject; sp=none", true, null, [], 0, DmarcResult.Fail, DmarcPolicy.Reject, DmarcPolicy.Reject },
        // Strict alignment (adkim=s / aspf=s) refuses a child domain's pass.
        { "example.com", "v=DMARC1; p=reject; adkim=s; aspf=s", false, "child.example.com", ["child.example.com"], 0, DmarcResult.Fail, DmarcPolicy.Reject, DmarcPolicy.Reject },
        { "example.com", "v=DMARC1; p=reject; adkim=r", false, null, ["child.example.com"], 0, DmarcResult.Pass, DmarcPolicy.Reject, DmarcPolicy.None },
        // 6.6.3 step 6: a bad p= with a valid rua= counts as p=none; without rua= the record is ignored.
        { "example.com", "v=DMARC1; p=bogus; rua=mailto:r@example.com", false, null, [], 0, DmarcResult.Fail, DmarcPolicy.None, DmarcPolicy.None },
        { "example.com", "v=DMARC1; p=bogus", false, null, [], 0, DmarcResult.None, DmarcPolicy.None, DmarcPolicy.None },
        { "example.com", "v=DMARC1", false, null, [], 0, DmarcResult.None, DmarcPolicy.None, DmarcPolicy.None },
        // Not a DMARC record at all (version must come first and be exact).
        { "example.com", "p=reject; v=DMARC1", false, null, [], 0, DmarcResult.None, DmarcPolicy.None, DmarcPolicy.None },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Policy(string from, string record, bool atOrg, string? spfPass, string[] dkimPass, int sample,
        DmarcResult result, DmarcPolicy requested, DmarcPolicy applied)
    {
        var parsed = DmarcRecord.IsDmarcRecord(record) ? DmarcRecord.Parse(record) : null;
        var v = DmarcEvaluator.Decide(from, parsed, atOrg, spfPass, dkimPass, Psl, sample);
        Assert.Equal((result, requested, applied), (v.Result, v.RequestedPolicy, v.AppliedPolicy));
    }

    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("mail.example.com", "example.com")]
    [InlineData("a.b.c.example.co.uk", "example.co.uk")]
    [InlineData("co.uk", "co.uk")]
    [InlineData("www.foo.ck", "www.foo.ck")] // *.ck: foo.ck is a suffix
    [InlineData("a.www.ck", "www.ck")]       // !www.ck: www.ck is not
    [InlineData("x.city.kobe.jp", "city.kobe.jp")]
    [InlineData("unlisted.example", "unlisted.example")] // the implicit "*" rule
    [InlineData("Example.COM.", "example.com")]
    public void OrganizationalDomain(string domain, string org) => Assert.Equal(org, Psl.OrganizationalDomain(domain));

    [Fact]
    public void WithoutAListTheLastTwoLabelsAreTheOrganizationalDomain()
    {
        var source = new PublicSuffixSource(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var list = source.Get("/nonexistent/public_suffix_list.dat");
        Assert.Equal("example.co.uk".Split('.')[1..].Aggregate((a, b) => a + "." + b), list.OrganizationalDomain("example.co.uk"));
    }

    [Fact]
    public void DebiansListLoadsWhereInstalled()
    {
        if (!File.Exists(MailAuthSettings.DefaultPublicSuffixList)) return; // the publicsuffix package is optional here
        var list = PublicSuffixList.Load(MailAuthSettings.DefaultPublicSuffixList);
        Assert.True(list.RuleCount > 5000);
        Assert.Equal("example.co.uk", list.OrganizationalDomain("mail.example.co.uk"));
    }
}
