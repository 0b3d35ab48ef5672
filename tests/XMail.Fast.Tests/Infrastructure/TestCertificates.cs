using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>Writes a self-signed server.cert/server.key (PEM) into a MailRoot, as "SSL CONFIGURATION" describes.</summary>
public static class TestCertificates
{
    private static readonly Lazy<(string Cert, string Key)> Pem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (cert.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    });

    public static void WriteTo(string mailRoot)
    {
        File.WriteAllText(Path.Combine(mailRoot, "server.cert"), Pem.Value.Cert);
        File.WriteAllText(Path.Combine(mailRoot, "server.key"), Pem.Value.Key);
    }
}
