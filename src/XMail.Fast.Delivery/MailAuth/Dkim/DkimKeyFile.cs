using System.Text;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// DKIM private key files: PEM, PKCS#8 ("PRIVATE KEY", what <see cref="Generate"/> writes) or PKCS#1 ("RSA PRIVATE
/// KEY", openssl genrsa); for Ed25519 also the bare base64 32-byte seed that dkimpy's dknewkey writes. And the DNS
/// TXT record that publishes the public half (RFC 6376 3.6.1; RFC 8463 for k=ed25519).
/// </summary>
public static class DkimKeyFile
{
    public const int RsaBits = 2048;

    public static AsymmetricKeyParameter Read(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            var seed = Convert.FromBase64String(trimmed);
            if (seed.Length != Ed25519PrivateKeyParameters.KeySize) throw new FormatException("not a PEM key nor a 32-byte Ed25519 seed");
            return new Ed25519PrivateKeyParameters(seed);
        }
        var obj = new PemReader(new StringReader(trimmed)).ReadObject();
        return obj switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } key => key,
            _ => throw new FormatException("the PEM block is not a private key"),
        };
    }

    public static DkimSignatureAlgorithm AlgorithmOf(AsymmetricKeyParameter key) => key switch
    {
        Ed25519PrivateKeyParameters => DkimSignatureAlgorithm.Ed25519Sha256,
        RsaKeyParameters => DkimSignatureAlgorithm.RsaSha256,
        _ => throw new FormatException("only RSA and Ed25519 keys sign DKIM"),
    };

    /// <summary>A new key as PKCS#8 PEM: "rsa" (2048 bits) or "ed25519".</summary>
    public static string Generate(string type)
    {
        AsymmetricCipherKeyPair pair;
        var random = new SecureRandom();
        if (type.Equals("ed25519", StringComparison.OrdinalIgnoreCase))
        {
            var g = new Ed25519KeyPairGenerator();
            g.Init(new Ed25519KeyGenerationParameters(random));
            pair = g.GenerateKeyPair();
        }
        else if (type.Equals("rsa", StringComparison.OrdinalIgnoreCase) || type.Equals("rsa-2048", StringComparison.OrdinalIgnoreCase))
        {
            var g = new RsaKeyPairGenerator();
            g.Init(new RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.ValueOf(65537), random, RsaBits, 100));
            pair = g.GenerateKeyPair();
        }
        else throw new ArgumentException("key type must be rsa or ed25519", nameof(type));
        var der = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded();
        return Pem("PRIVATE KEY", der);
    }

    /// <summary>The TXT record to publish at selector._domainkey.domain.</summary>
    public static string TxtRecord(AsymmetricKeyParameter privateKey)
    {
        switch (privateKey)
        {
            case Ed25519PrivateKeyParameters ed:
                return "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(ed.GeneratePublicKey().GetEncoded());
            case RsaPrivateCrtKeyParameters rsa:
                var pub = new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent);
                return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pub).GetEncoded());
            default:
                throw new FormatException("only RSA (with CRT parameters) and Ed25519 keys are supported");
        }
    }

    /// <summary>The record split into quoted strings of at most 255 characters, as a zone file needs it.</summary>
    public static string ZoneFileValue(string record)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < record.Length; i += 255)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append('"').Append(record, i, Math.Min(255, record.Length - i)).Append('"');
        }
        return sb.ToString();
    }

    private static string Pem(string label, byte[] der)
    {
        var b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder($"-----BEGIN {label}-----\n");
        for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        return sb.Append($"-----END {label}-----\n").ToString();
    }
}
