using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// MailRoot/server.cert + server.key (PEM, "SSL CONFIGURATION"). server.cert may hold the whole chain (a Let's Encrypt
/// fullchain.pem): the first certificate is the server's, the rest are sent with it. Loaded at start (an unusable
/// pair stops the server there, see <see cref="Load"/>) and re-loaded when either file changes; a pair that
/// fails to load then is logged and the previous one stays in use. <see cref="Current"/> is null without files (TLS
/// is then refused).
/// </summary>
public sealed class ServerCertificate
{
    private readonly MailRoot _root;
    private readonly PeerCertificateVerifier _peers;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private ServerTlsCredentials? _current;
    private (DateTime, DateTime) _stamp;

    public ServerCertificate(MailRoot root, PeerCertificateVerifier peers, ILogger log)
    {
        _root = root;
        _peers = peers;
        _log = log;
    }

    public string CertPath => _root.File("server.cert");
    public string KeyPath => _root.File("server.key");

    /// <summary>Either file is there: the administrator meant to have TLS.</summary>
    public bool Configured => File.Exists(CertPath) || File.Exists(KeyPath);

    public ServerTlsCredentials? Current
    {
        get
        {
            lock (_gate)
            {
                var stamp = (File.GetLastWriteTimeUtc(CertPath), File.GetLastWriteTimeUtc(KeyPath));
                if (stamp == _stamp) return _current;
                _stamp = stamp;
                if (!File.Exists(CertPath) || !File.Exists(KeyPath)) return _current = null;
                try
                {
                    _current = Load();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException)
                {
                    _log.LogError("server.cert/server.key unusable ({Error}); {Action}", ex.Message,
                        _current is null ? "TLS refused until they are fixed" : "still using the previous pair");
                }
                return _current;
            }
        }
    }

    /// <summary>Reads and checks the pair now. Throws (I/O, crypto, or InvalidDataException) with the reason.</summary>
    public ServerTlsCredentials Load()
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(CertPath);
        if (all.Count == 0) throw new InvalidDataException("server.cert holds no PEM certificate");
        using var pem = X509Certificate2.CreateFromPemFile(CertPath, KeyPath);
        if (!pem.HasPrivateKey) throw new InvalidDataException("server.key holds no private key for server.cert");
        // Re-import so the private key is usable by SslStream on every platform.
        var leaf = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var intermediates = new X509Certificate2Collection(all.Where(c => c.Thumbprint != leaf.Thumbprint).ToArray());
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new ServerTlsCredentials(leaf, context, _peers);
    }
}
