using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.Dns;
using XMail.Fast.Delivery.MailAuth;
using XMail.Fast.Delivery.MailAuth.Dkim;
using XMail.Fast.Delivery.MailAuth.Spf;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>
/// The whole inbound engine over a spool file in temp/: verdicts, the Authentication-Results it writes, forged ones it
/// removes, refusals and quarantine per DMARC policy, exemptions, and the bad inputs (malformed signatures,
/// huge h=, keys that are not keys, SPF loops and 100 includes, DNS that does not answer), each ending in its RFC
/// result quickly.
/// </summary>
public sealed class MailAuthenticatorTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly ZoneDnsServer _dns = ZoneDnsServer.Start();
    private readonly TempMailRoot _root = new();
    private readonly MailServerContext _ctx;
    private readonly MailAuthenticator _auth;
    private readonly DnsResolver _resolver;
    private readonly (DkimSigningKey Key, string Pem) _key = MailAuthKit.NewKey("ed25519");

    public MailAuthenticatorTests()
    {
        File.AppendAllText(_root.File("server.tab"), string.Join("\n",
            "\"SpfCheck\"\t\"2\"", "\"DkimVerify\"\t\"1\"", "\"ArcVerify\"\t\"1\"", "\"DmarcCheck\"\t\"2\"", "\"AuthResults\"\t\"1\"",
            "\"AuthServId\"\t\"mx.test\"", $"\"PublicSuffixList\"\t\"{MailAuthKit.Fixture("psl-fixture.dat")}\"", ""));
        _ctx = new MailServerContext(new MailRoot(_root.Path), new XMailOptions { MailRootPath = _root.Path });
        _resolver = new DnsResolver(() => _dns.SmartDnsHost) { Timeout = TimeSpan.FromMilliseconds(200) };
        _auth = new MailAuthenticator(_ctx, _resolver, dmarcSample: () => 0);
        _dns.Add("sel._domainkey.example.org", ZoneRecord.Txt(DkimKeyFile.TxtRecord(_key.Key.PrivateKey)));
        _dns.Add("example.org", ZoneRecord.Txt("v=spf1 ip4:192.0.2.0/24 -all"));
        _dns.Add("_dmarc.example.org", ZoneRecord.Txt("v=DMARC1; p=reject"));
        _dns.Add("_dmarc.quarantine.example", ZoneRecord.Txt("v=DMARC1; p=quarantine"));
    }

    public void Dispose()
    {
        _dns.Dispose();
        _root.Dispose();
    }

    private byte[] Signed(byte[] message)
    {
        var field = new DkimMessageSigner(TimeProvider.System).Sign(new MemoryStream(message), [_key.Key], MailAuthSettings.DefaultSignedHeaders);
        return Encoding.ASCII.GetBytes(field).Concat(message).ToArray();
    }

    private string Spool(byte[] message, string from = "alice@example.org")
    {
        var path = _root.File("spool-" + Guid.NewGuid().ToString("N"));
        var head = $"[192.0.2.10]:4000;[127.0.0.1]:25;Fri, 4 Dec 2026 10:00:00 +0000\r\nmx.test\r\nS1\r\nMAIL FROM:<{from}>\r\nRCPT TO:<bob@example.net>\r\n<<MAIL-DATA>>\r\n" +
                   "Received: from client.example ([192.0.2.10]) by mx.test; Fri, 4 Dec 2026 10:00:00 +0000\r\n";
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(head).Concat(message).ToArray());
        return path;
    }

    private async Task<(MessageAuthVerdict Verdict, string File)> CheckAsync(byte[] message, string mailFrom = "alice@example.org", IPAddress? client = null)
    {
        var path = Spool(message, mailFrom);
        var ip = client ?? Client;
        var spf = await _auth.CheckMailFromAsync(ip, "client.example", mailFrom);
        var verdict = await _auth.CheckMessageAsync(new MessageAuthRequest(path, ip, "client.example", mailFrom, spf, SpfVerdict.NotChecked("helo")));
        return (verdict, File.ReadAllText(path, Encoding.Latin1));
    }

    [Fact]
    public async Task AlignedSignedMailPassesAndGetsOneAuthenticationResultsWhileForgedOnesGo()
    {
        var message = Encoding.ASCII.GetBytes("Authentication-Results: mx.test; dkim=pass header.d=example.org\r\n" +
                                              "Authentication-Results: (comment) MX.TEST;\r\n\tdmarc=pass\r\n" +
                                              "Authentication-Results: other.example; spf=pass\r\n").Concat(Signed(MailAuthKit.Message())).ToArray();
        var (v, file) = await CheckAsync(message);
        Assert.Equal(MessageDisposition.Accept, v.Disposition);
        Assert.Equal(DkimResult.Pass, Assert.Single(v.Dkim).Result);
        Assert.Equal(DmarcResult.Pass, v.Dmarc.Result);
        var body = file[(file.IndexOf("<<MAIL-DATA>>\r\n", StringComparison.Ordinal) + 15)..];
        Assert.StartsWith("Authentication-Results: mx.test;\r\n\tspf=pass", body);
        Assert.Contains("dkim=pass header.d=example.org header.s=sel header.a=ed25519-sha256", body);
        Assert.Contains("dmarc=pass (p=reject dis=none) header.from=example.org", body);
        Assert.Contains("arc=none", body);
        Assert.Equal(1, CountOf(body, "Authentication-Results: mx.test"));
        Assert.DoesNotContain("MX.TEST", body);
        Assert.Contains("Authentication-Results: other.example; spf=pass\r\n", body);
        // The rest of the message is byte for byte what it was.
        Assert.EndsWith(Encoding.ASCII.GetString(Signed(MailAuthKit.Message()))[^200..], body);
    }

    [Fact]
    public async Task ForgedSenderUnderPRejectIsRefusedAndTheFileIsLeftAlone()
    {
        var (v, file) = await CheckAsync(MailAuthKit.Message(), "alice@example.org", IPAddress.Parse("203.0.113.9"));
        Assert.Equal(MessageDisposition.Reject, v.Disposition);
        Assert.Equal("550 5.7.1 Email rejected per DMARC policy for example.org", v.Reply);
        Assert.DoesNotContain("Authentication-Results", file);
    }

    [Fact]
    public async Task PQuarantineMarksTheMessage()
    {
        var (v, file) = await CheckAsync(MailAuthKit.Message(from: "eve@quarantine.example"), "eve@quarantine.example");
        Assert.Equal(MessageDisposition.Quarantine, v.Disposition);
        Assert.Contains("\r\nX-Spam-Flag: YES\r\n", file);
        Assert.Contains("dmarc=fail (p=quarantine dis=quarantine) header.from=quarantine.example", file);
    }

    [Fact]
    public async Task AnExemptSenderDomainIsReportedButNotRefused()
    {
        _root.Write("mailauth.exempt.tab", "\"*.org\"\n");
        var (v, file) = await CheckAsync(MailAuthKit.Message(), "alice@example.org", IPAddress.Parse("203.0.113.9"));
        Assert.Equal(MessageDisposition.Accept, v.Disposition);
        Assert.Contains("dmarc=fail (p=reject dis=reject)", file);
        Assert.Contains("spf=fail", file);
    }

    [Fact]
    public async Task MalformedSignaturesHugeHeaderListsAndBadKeysAreEachPermerror()
    {
        _dns.Add("junk._domainkey.example.org", ZoneRecord.Txt("v=DKIM1; k=rsa; p=bm90IGEga2V5"));
        var huge = string.Join(":", Enumerable.Repeat("subject", 5000)) + ":from";
        var message = Encoding.ASCII.GetBytes(
            "DKIM-Signature: v=1; a=rsa-sha256; this is not a tag list\r\n" +
            $"DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h={huge}; bh=AAAA; b=AAAA\r\n" +
            "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=junk; h=from; bh=AAAA; b=AAAA\r\n" +
            "DKIM-Signature: v=1; a=rsa-sha1; d=example.org; s=sel; h=from; bh=AAAA; b=AAAA\r\n" +
            "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=nokey; h=from; bh=AAAA; b=AAAA\r\n").Concat(MailAuthKit.Message()).ToArray();
        var sw = Stopwatch.StartNew();
        var (v, file) = await CheckAsync(message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
        Assert.Equal(5, v.Dkim.Count);
        Assert.All(v.Dkim, s => Assert.Equal(DkimResult.PermError, s.Result));
        Assert.Contains("malformed", v.Dkim[0].Reason);
        Assert.Contains("signed fields", v.Dkim[1].Reason);
        Assert.Contains("not a usable key", v.Dkim[2].Reason);
        Assert.Contains("rsa-sha1", v.Dkim[3].Reason);
        Assert.Contains("no key", v.Dkim[4].Reason);
        Assert.Equal(MessageDisposition.Accept, v.Disposition); // SPF passed and aligns
        Assert.Contains("dkim=permerror", file);
    }

    [Fact]
    public async Task AKeyLookupThatTimesOutIsTemperror()
    {
        _dns.Add("slow._domainkey.example.org", ZoneRecord.Timeout);
        var message = Encoding.ASCII.GetBytes("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=slow; h=from; bh=AAAA; b=AAAA\r\n").Concat(MailAuthKit.Message()).ToArray();
        var sw = Stopwatch.StartNew();
        var (v, _) = await CheckAsync(message);
        Assert.Equal(DkimResult.TempError, Assert.Single(v.Dkim).Result);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task SpfLoopsAndAHundredIncludesArePermerrorAndTimeoutsTemperror()
    {
        _dns.Add("loop.example", ZoneRecord.Txt("v=spf1 include:loop.example -all"));
        _dns.Add("many.example", ZoneRecord.Txt("v=spf1 " + string.Join(" ", Enumerable.Range(0, 100).Select(i => $"include:i{i}.example")) + " -all"));
        for (int i = 0; i < 100; i++) _dns.Add($"i{i}.example", ZoneRecord.Txt("v=spf1 ip4:198.51.100.1 -all"));
        _dns.Add("slow.example", ZoneRecord.Timeout);
        var spf = new SpfEvaluator(_resolver);
        Assert.Equal(SpfResult.PermError, (await spf.CheckMailFromAsync(Client, "h.example", "a@loop.example")).Result);
        var many = await spf.CheckMailFromAsync(Client, "h.example", "a@many.example");
        Assert.Equal(SpfResult.PermError, many.Result);
        Assert.Contains("10 DNS lookups", many.Reason);
        var sw = Stopwatch.StartNew();
        Assert.Equal(SpfResult.TempError, (await spf.CheckMailFromAsync(Client, "h.example", "a@slow.example")).Result);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
        // The overall deadline ends an evaluation that keeps waiting.
        var hurried = new SpfEvaluator(new DnsResolver(() => _dns.SmartDnsHost) { Timeout = TimeSpan.FromSeconds(5) }) { Deadline = TimeSpan.FromMilliseconds(300) };
        sw.Restart();
        Assert.Equal(SpfResult.TempError, (await hurried.CheckMailFromAsync(Client, "h.example", "a@slow.example")).Result);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task SettingsAreOffForAnXMail127ServerTab()
    {
        using var plain = new TempMailRoot();
        var ctx = new MailServerContext(new MailRoot(plain.Path), new XMailOptions { MailRootPath = plain.Path });
        var auth = new MailAuthenticator(ctx, _resolver);
        Assert.False(auth.Settings.AnyInboundCheck);
        Assert.False(auth.Settings.DkimSign);
        Assert.Same(MessageAuthVerdict.Skipped, await auth.CheckMessageAsync(new MessageAuthRequest(Spool(MailAuthKit.Message()), Client, "h", "a@b.c",
            SpfVerdict.NotChecked("mailfrom"), SpfVerdict.NotChecked("helo"))));
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;
}
