using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// rsa-sha256 DKIM signatures checked with the platform's RSA (OpenSSL here): MimeKit's DkimVerifier does the RSA
/// step in BouncyCastle's managed big integers, measured at 0.4-1 ms for a 2048-bit key, most of what a signed
/// message costs. The body hash stays MimeKit's (<see cref="DkimVerifierBase.VerifyBodyHash"/>); the header hash is
/// RFC 6376 3.4.1/3.4.2 canonicalization of the h= fields (each name takes the next instance from the bottom, 5.4.2)
/// and of the DKIM-Signature itself with b= emptied, without its final CRLF (3.7).
/// </summary>
internal sealed class RsaSha256DkimVerifier : DkimVerifierBase
{
    private static readonly FormatOptions Crlf = new() { NewLineFormat = NewLineFormat.Dos };
    // Importing a key into OpenSSL costs more than a verification: one RSA object per key the locator handed out
    // (it caches keys per record), used under its own lock.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RsaKeyParameters, RSA> _rsa = new();

    public RsaSha256DkimVerifier(IDkimPublicKeyLocator locator) : base(locator) { }

    /// <summary>True when body hash and signature both verify with <paramref name="key"/>.</summary>
    public bool Verify(MimeMessage message, Header signature, Dictionary<string, string> tags, RsaKeyParameters key)
    {
        var (headerCanon, bodyCanon) = Canonicalizations(tags.GetValueOrDefault("c", "simple/simple"));
        int maxLength = tags.TryGetValue("l", out var l) && int.TryParse(l, out int n) ? n : -1;
        if (!VerifyBodyHash(Crlf, message, DkimSignatureAlgorithm.RsaSha256, bodyCanon, maxLength, TagList.Compact(tags["bh"]))) return false;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var headers = message.Headers;
        foreach (var raw in tags["h"].Split(':'))
        {
            var name = raw.Trim(' ', '\t', '\r', '\n');
            int seen = used.GetValueOrDefault(name);
            int skip = seen;
            for (int i = headers.Count - 1; i >= 0; i--)
            {
                var h = headers[i];
                if (ReferenceEquals(h, signature) || !h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
                if (skip-- > 0) continue;
                Append(hash, h.RawField, h.RawValue, headerCanon, final: false);
                break;
            }
            used[name] = seen + 1;
        }
        Append(hash, signature.RawField, WithoutB(signature.RawValue), headerCanon, final: true);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);

        byte[] b;
        try { b = Convert.FromBase64String(TagList.Compact(tags["b"])); }
        catch (FormatException) { return false; }
        var rsa = _rsa.GetValue(key, static k =>
        {
            var r = RSA.Create();
            r.ImportParameters(new RSAParameters { Modulus = k.Modulus.ToByteArrayUnsigned(), Exponent = k.Exponent.ToByteArrayUnsigned() });
            return r;
        });
        lock (rsa)
        {
            try { return rsa.VerifyHash(digest, b, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1); }
            catch (CryptographicException) { return false; }
        }
    }

    private static (DkimCanonicalizationAlgorithm Header, DkimCanonicalizationAlgorithm Body) Canonicalizations(string c)
    {
        var parts = c.Split('/');
        static DkimCanonicalizationAlgorithm Of(string s) =>
            s.Trim().Equals("relaxed", StringComparison.OrdinalIgnoreCase) ? DkimCanonicalizationAlgorithm.Relaxed
            : s.Trim().Equals("simple", StringComparison.OrdinalIgnoreCase) ? DkimCanonicalizationAlgorithm.Simple
            : throw new FormatException("unknown canonicalization " + s);
        return (Of(parts[0]), parts.Length > 1 ? Of(parts[1]) : DkimCanonicalizationAlgorithm.Simple);
    }

    /// <summary>One field as 3.4.1 (simple: as it is) or 3.4.2 (relaxed) has it.</summary>
    private static void Append(IncrementalHash hash, byte[] rawField, byte[] rawValue, DkimCanonicalizationAlgorithm canon, bool final)
    {
        if (canon == DkimCanonicalizationAlgorithm.Simple)
        {
            hash.AppendData(rawField);
            hash.AppendData(":"u8);
            var value = rawValue.AsSpan();
            if (final) value = value.TrimEnd("\r\n"u8);
            hash.AppendData(value);
            return;
        }
        var sb = new StringBuilder(rawField.Length + rawValue.Length + 2);
        sb.Append(Encoding.Latin1.GetString(rawField).TrimEnd(' ', '\t').ToLowerInvariant()).Append(':');
        bool space = false, any = false;
        foreach (byte x in rawValue)
        {
            if (x is (byte)'\r' or (byte)'\n') continue; // unfold
            if (x is (byte)' ' or (byte)'\t')
            {
                space = true;
                continue;
            }
            if (space && any) sb.Append(' ');
            space = false;
            any = true;
            sb.Append((char)x);
        }
        if (!final) sb.Append("\r\n");
        hash.AppendData(Encoding.Latin1.GetBytes(sb.ToString()));
    }

    /// <summary>The value with the b= tag's value removed, everything else (whitespace included) kept (3.7).</summary>
    private static byte[] WithoutB(byte[] rawValue)
    {
        var text = Encoding.Latin1.GetString(rawValue);
        int start = 0;
        while (start < text.Length)
        {
            int semi = text.IndexOf(';', start);
            int end = semi < 0 ? text.Length : semi;
            int eq = text.IndexOf('=', start, end - start);
            if (eq > 0 && text.AsSpan(start, eq - start).Trim(" \t\r\n").SequenceEqual("b"))
            {
                // Keep trailing CRLF/whitespace of the last tag only when it is folding at the very end.
                int valueEnd = end;
                if (semi < 0) while (valueEnd > eq + 1 && text[valueEnd - 1] is '\r' or '\n') valueEnd--;
                return Encoding.Latin1.GetBytes(text[..(eq + 1)] + text[valueEnd..]);
            }
            start = end + 1;
        }
        return rawValue;
    }
}
