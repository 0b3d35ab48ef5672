using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>A private key of MailRoot/dkim/&lt;domain&gt;/&lt;selector&gt;.key, ready to sign.</summary>
public sealed record DkimSigningKey(string Domain, string Selector, AsymmetricKeyParameter PrivateKey, DkimSignatureAlgorithm Algorithm, string Path)
{
    /// <summary>"rsa-2048" or "ed25519", for listings.</summary>
    public string Kind => Algorithm == DkimSignatureAlgorithm.Ed25519Sha256
        ? "ed25519"
        : "rsa-" + ((Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters)PrivateKey).Modulus.BitLength;
}
