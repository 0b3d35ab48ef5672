using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XMail.Fast.Server.Startup;

/// <summary>
/// A self-signed server.cert/server.key pair for a new MailRoot (XMail --init, dev mode's first run), so STARTTLS and
/// the implicit-TLS ports work from the first start. Clients cannot verify it: a server others connect to replaces
/// it with a CA-signed certificate (README "Security").
/// </summary>
internal static class SelfSignedCertificate
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(2 * 365);

    /// <summary>Writes the pair when neither file exists; false when either is already there (never overwritten).</summary>
    public static bool CreateIfMissing(string mailRoot, string hostName, TimeProvider time)
    {
        string cert = Path.Combine(mailRoot, "server.cert"), key = Path.Combine(mailRoot, "server.key");
        if (File.Exists(cert) || File.Exists(key)) return false;
        using var rsa = RSA.Create(2048); // RSA rather than ECDSA: every SMTP peer, however old, can use it
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + hostName), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(Names(hostName));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now + Validity);
        PrivateFile.Create(key, rsa.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(cert, certificate.ExportCertificatePem() + "\n");
        return true;
    }

    private static X509Extension Names(string hostName)
    {
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(hostName, out var ip)) san.AddIpAddress(ip);
        else san.AddDnsName(hostName);
        if (hostName == "localhost")
        {
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
        }
        return san.Build();
    }
}
