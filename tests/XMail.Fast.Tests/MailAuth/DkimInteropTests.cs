using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit.Cryptography;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Delivery.MailAuth.Dkim;

namespace XMail.Fast.Tests.MailAuth;

/// <summary>
/// DKIM against an independent implementation, Debian's python3-dkim (dkimpy): what it signs verifies here and what
/// XMail.Fast signs verifies there, for RSA-2048 and Ed25519 and both canonicalizations; a changed body or signed
/// header fails in both. Keys reach our verifier through a TXT record of the in-process DNS server.
/// </summary>
public sealed class DkimInteropTests : IDisposable
{
    private readonly ZoneDnsServer _dns = ZoneDnsServer.Start();
    private readonly string _dir = Directory.CreateTempSubdirectory("xmf-dkim-").FullName;

    public void Dispose()
    {
        _dns.Dispose();
        Directory.Delete(_dir, true);
    }

    public static TheoryData<string, string> Kinds() => new()
    {
        { "rsa", "relaxed/relaxed" }, { "rsa", "simple/simple" }, { "ed25519", "relaxed/relaxed" }, { "ed25519", "simple/simple" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DkimpySignedVerifiesHereAndTamperingFails(string type, string canon)
    {
        var (key, pem) = MailAuthKit.NewKey(type);
        _dns.Add("sel._domainkey.example.org", ZoneRecord.Txt(DkimKeyFile.TxtRecord(key.PrivateKey)));
        var keyFile = Path.Combine(_dir, "k");
        File.WriteAllText(keyFile, MailAuthKit.DkimpyKeyText(key, pem));
        var algo = type == "rsa" ? "rsa-sha256" : "ed25519-sha256";
        var (exit, signed, err) = MailAuthKit.Python(MailAuthKit.Message(), "sign", keyFile, "sel", "example.org", canon, algo);
        Assert.True(exit == 0, err);

        var good = await MailAuthKit.VerifyAsync(signed, _dns);
        Assert.Equal(DkimResult.Pass, Assert.Single(good).Result);
        Assert.Equal("example.org", good[0].Domain);
        Assert.Equal(algo, good[0].Algorithm);

        var body = await MailAuthKit.VerifyAsync(MailAuthKit.Replace(signed, "at 10.", "at 11."), _dns);
        Assert.Equal(DkimResult.Fail, Assert.Single(body).Result);
        var header = await MailAuthKit.VerifyAsync(MailAuthKit.Replace(signed, "Subject: Hello", "Subject: Hellp"), _dns);
        Assert.Equal(DkimResult.Fail, Assert.Single(header).Result);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SignedHereVerifiesInDkimpyAndTamperingFails(string type, string canon)
    {
        var (key, _) = MailAuthKit.NewKey(type);
        var txt = Path.Combine(_dir, "txt");
        File.WriteAllText(txt, DkimKeyFile.TxtRecord(key.PrivateKey));
        var c = canon.StartsWith("simple") ? DkimCanonicalizationAlgorithm.Simple : DkimCanonicalizationAlgorithm.Relaxed;
        var message = MailAuthKit.Message();
        var field = new DkimMessageSigner(TimeProvider.System)
            .Sign(new MemoryStream(message), [key], MailAuthSettings.DefaultSignedHeaders, c, c);
        Assert.StartsWith("DKIM-Signature:", field);
        Assert.EndsWith("\r\n", field);
        var signed = Encoding.ASCII.GetBytes(field).Concat(message).ToArray();

        var (ok, _, err) = MailAuthKit.Python(signed, "verify", txt);
        Assert.True(ok == 0, err);
        Assert.Equal(1, MailAuthKit.Python(MailAuthKit.Replace(signed, "at 10.", "at 11."), "verify", txt).Exit);
        Assert.Equal(1, MailAuthKit.Python(MailAuthKit.Replace(signed, "Subject: Hello", "Subject: Hellp"), "verify", txt).Exit);
    }

    [Fact]
    public void RsaAndEd25519SignTogetherAndBothVerifyInDkimpy()
    {
        var (rsa, _) = MailAuthKit.NewKey("rsa", selector: "r");
        var (ed, _) = MailAuthKit.NewKey("ed25519", selector: "e");
        var fields = new DkimMessageSigner(TimeProvider.System).Sign(new MemoryStream(MailAuthKit.Message()), [rsa, ed], MailAuthSettings.DefaultSignedHeaders);
        Assert.Equal(2, fields.Split("DKIM-Signature:").Length - 1);
        var signed = Encoding.ASCII.GetBytes(fields).Concat(MailAuthKit.Message()).ToArray();
        // dkimpy's lookup hands every selector the same record, so check each signature with its own key.
        var txtR = Path.Combine(_dir, "r");
        File.WriteAllText(txtR, DkimKeyFile.TxtRecord(rsa.PrivateKey));
        var (exit, stdout, _) = MailAuthKit.Python(signed, "verify", txtR);
        Assert.Equal(1, exit); // the Ed25519 signature cannot verify with the RSA record
        Assert.Contains("failed 2", Encoding.ASCII.GetString(stdout));
    }
}
