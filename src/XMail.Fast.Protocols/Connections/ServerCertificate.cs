using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// MailRoot/server.cert + server.key (PEM, "SSL CONFIGURATION"). Loaded on first use and re-loaded when either
/// file changes; null when they are missing or unreadable (TLS is then not offered).
/// </summary>
public sealed class ServerCertificate
{
    private readonly MailRoot _root;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private X509Certificate2? _cert;
    private (DateTime, DateTime) _stamp;

    public ServerCertificate(MailRoot root, ILogger log)
    {
        _root = root;
        _log = log;
    }

    public string CertPath => _root.File("server.cert");
    public string KeyPath => _root.File("server.key");

    public X509Certificate2? Current
    {
        get
        {
            lock (_gate)
            {
                var stamp = (File.GetLastWriteTimeUtc(CertPath), File.GetLastWriteTimeUtc(KeyPath));
                if (_cert is not null && stamp == _stamp) return _cert;
                _stamp = stamp;
                _cert = null;
                if (!File.Exists(CertPath) || !File.Exists(KeyPath)) return null;
                try
                {
                    using var pem = X509Certificate2.CreateFromPemFile(CertPath, KeyPath);
                    // Re-import so the private key is usable by SslStream on every platform.
                    _cert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
                }
                catch (Exception ex)
                {
                    _log.LogError("server.cert/server.key unusable, TLS disabled: {Error}", ex.Message);
                }
                return _cert;
            }
        }
    }
}
