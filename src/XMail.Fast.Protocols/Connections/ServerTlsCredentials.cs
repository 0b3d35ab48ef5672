using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using XMail.Fast.Core.Security;

namespace XMail.Fast.Protocols.Connections;

/// <summary>
/// What the server side of a TLS handshake needs: the certificate with its chain (sent whole, so clients that only
/// trust the root can verify it) and, per handshake, server.tab's client-certificate settings.
/// </summary>
public sealed class ServerTlsCredentials
{
    private readonly SslStreamCertificateContext _context;
    private readonly PeerCertificateVerifier _peers;

    internal ServerTlsCredentials(X509Certificate2 certificate, SslStreamCertificateContext context, PeerCertificateVerifier peers)
    {
        Certificate = certificate;
        _context = context;
        _peers = peers;
    }

    public X509Certificate2 Certificate { get; }

    public SslServerAuthenticationOptions AuthenticationOptions()
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _context,
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.None, // OS defaults: TLS 1.2 and 1.3
        };
        _peers.ApplyTo(options);
        return options;
    }
}
