using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// A throwaway certificate authority made in memory for the TLS tests: a root, two levels of intermediates and leaf
/// certificates on demand (ECDSA P-256, quick to make). Nothing is written to the repository; keys exist only in
/// the test process and the MailRoots it deletes.
/// </summary>
public sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1"), ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private TestPki(X509Certificate2 root, X509Certificate2 intermediate, X509Certificate2 subIntermediate)
    {
        Root = root;
        Intermediate = intermediate;
        SubIntermediate = subIntermediate;
    }

    public X509Certificate2 Root { get; }
    public X509Certificate2 Intermediate { get; }
    /// <summary>Issued by <see cref="Intermediate"/>: leaves it signs sit two certificates below the root.</summary>
    public X509Certificate2 SubIntermediate { get; }

    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TestPki Create()
    {
        var root = Authority("CN=XMail.Fast Test Root", null);
        var intermediate = Authority("CN=XMail.Fast Test Intermediate", root);
        return new TestPki(root, intermediate, Authority("CN=XMail.Fast Test Sub-Intermediate", intermediate));
    }

    /// <summary>A server (or client) certificate for 127.0.0.1 and localhost unless other names are given.</summary>
    public X509Certificate2 Issue(string name = "localhost", X509Certificate2? issuer = null, bool expired = false, bool client = false) =>
        Leaf(name, issuer ?? Intermediate, expired, client);

    public static X509Certificate2 SelfSigned(string name, bool client = false) => Leaf(name, null, expired: false, client);

    /// <summary>server.cert (the leaf, then <paramref name="chain"/>, as in a fullchain.pem) and server.key.</summary>
    public static void WriteServerPair(string mailRoot, X509Certificate2 leaf, params X509Certificate2[] chain)
    {
        File.WriteAllText(Path.Combine(mailRoot, "server.cert"), string.Concat(new[] { leaf }.Concat(chain).Select(c => c.ExportCertificatePem() + "\n")));
        File.WriteAllText(Path.Combine(mailRoot, "server.key"), leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public void WriteTrustedRoot(string mailRoot) => File.WriteAllText(Path.Combine(mailRoot, "certs.pem"), Root.ExportCertificatePem() + "\n");

    private static X509Certificate2 Authority(string subject, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null) return request.CreateSelfSigned(Now.AddDays(-10), Now.AddYears(5));
        using var signed = request.Create(issuer, Now.AddDays(-9), Now.AddYears(4), Serial());
        return signed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Leaf(string name, X509Certificate2? issuer, bool expired, bool client)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([client ? ClientAuth : ServerAuth], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        if (name == "localhost") san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var (from, until) = expired ? (Now.AddDays(-8), Now.AddDays(-1)) : (Now.AddDays(-1), Now.AddDays(90));
        if (issuer is null)
        {
            using var self = request.CreateSelfSigned(from, until);
            return Reloaded(self);
        }
        using var signed = request.Create(issuer, from, until, Serial());
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reloaded(withKey);
    }

    /// <summary>Through PKCS#12, so SslStream can use the private key on every platform.</summary>
    private static X509Certificate2 Reloaded(X509Certificate2 c) => X509CertificateLoader.LoadPkcs12(c.Export(X509ContentType.Pkcs12), null);

    private static byte[] Serial() => RandomNumberGenerator.GetBytes(12);

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        SubIntermediate.Dispose();
    }
}
