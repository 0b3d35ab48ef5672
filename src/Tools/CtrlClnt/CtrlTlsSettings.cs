using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using XMail.Fast.Core;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>
/// The TLS side of -K/-C/-X/-H. Like XMail 1.27 the server certificate is accepted as is (self-signed
/// included) unless a CA file (-X) or CA directory (-H) is given; then its chain must lead to one of those CAs.
/// Host names are not checked: XMail's CtrlClnt never did and CTRL is usually reached by IP.
/// </summary>
public static class CtrlTlsSettings
{
    public static SslClientAuthenticationOptions Build(CtrlClntOptions o)
    {
        var auth = new SslClientAuthenticationOptions
        {
            TargetHost = o.Server,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (o.KeyFile is not null && o.CertFile is not null)
        {
            try
            {
                auth.ClientCertificates = [X509Certificate2.CreateFromPemFile(o.CertFile, o.KeyFile)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new CtrlClntException(ErrorCode.SslSetcert, "Unable to load the SSL certificate/key", $"{o.CertFile} / {o.KeyFile}: {ex.Message}");
            }
        }
        if (!o.VerifyServerCertificate)
        {
            auth.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return auth;
        }
        var roots = LoadRoots(o.CaFile, o.CaPath);
        auth.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        return auth;
    }

    private static X509Certificate2Collection LoadRoots(string? caFile, string? caPath)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            if (caFile is not null) roots.ImportFromPemFile(caFile);
            if (caPath is not null)
            {
                foreach (var file in Directory.EnumerateFiles(caPath))
                {
                    // OpenSSL hash links (abcd1234.0) and plain .pem/.crt files may sit side by side; skip what is not PEM.
                    try { roots.ImportFromPemFile(file); }
                    catch (System.Security.Cryptography.CryptographicException) { }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new CtrlClntException(ErrorCode.SslVerpaths, "Unable to load the SSL CA certificates", ex.Message);
        }
        if (roots.Count == 0)
            throw new CtrlClntException(ErrorCode.SslVerpaths, "Unable to load the SSL CA certificates", $"no certificate found in {caFile ?? caPath}");
        return roots;
    }
}
