using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Core.Security;

/// <summary>
/// server.tab's SSL variables ("SSL CONFIGURATION") applied to the certificate a TLS peer presents, on both sides: the
/// server judging a client's certificate (SMTPS/STARTTLS, POP3S/STLS, CTRLS/#!TLS) and the SMTP client and PSYNC
/// judging a server's.
/// <list type="bullet">
/// <item>SSLWantVerify 0 (XMail 1.27's default): nothing is checked and clients are not asked for a certificate.</item>
/// <item>SSLWantVerify 1: the chain must end at a trusted root: MailRoot/certs.pem (SSLUseCertsFile) and the PEM
/// files in MailRoot/certs/ (SSLUseCertsDir) when either is set, otherwise the system's roots (1.27 fell back to
/// OpenSSL's default paths the same way). Every certificate must be valid now. SSLAllowSelfSigned forgives a
/// self-signed root nobody trusts (or a self-signed peer certificate), nothing else. SSLMaxCertsDepth above 0 caps
/// the certificates between the peer's and the root (OpenSSL's verify depth). A server must also be the host we
/// meant to reach: 1.27 did not compare names, and without that check a man in the middle passes with any valid
/// certificate of his own.</item>
/// <item>SSLWantCert 1 (with SSLWantVerify, as in 1.27): a client that presents no certificate is refused.</item>
/// </list>
/// No revocation lookups and no certificate downloads: a mail server does not fetch URLs named by its peers.
/// </summary>
public sealed class PeerCertificateVerifier
{
    public const string CertsFileName = "certs.pem";
    public const string CertsDirName = "certs";

    private readonly Func<ServerConfig> _config;
    private readonly string? _mailRoot;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private (string Key, X509Certificate2Collection Anchors)? _anchors;

    public PeerCertificateVerifier(Func<ServerConfig> config, string? mailRoot, TimeProvider? time = null, ILogger? log = null)
    {
        _config = config;
        _mailRoot = mailRoot;
        _time = time ?? TimeProvider.System;
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Server side: asks for and judges a client certificate when SSLWantVerify is set.</summary>
    public void ApplyTo(SslServerAuthenticationOptions options)
    {
        var cfg = _config();
        if (!cfg.SSLWantVerify) return;
        options.ClientCertificateRequired = true;
        // A resumed session brings back the client's certificate without the intermediates it sent the first time,
        // and its chain could no longer be verified: every handshake is a full one while clients are verified.
        options.AllowTlsResume = false;
        options.CertificateChainPolicy = ChainPolicy(cfg);
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            var refusal = JudgeClient(cfg, certificate, chain, errors);
            if (refusal is null) return true;
            _log.LogInformation("TLS client certificate refused: {Reason}", refusal);
            return false;
        };
    }

    /// <summary>
    /// Client side: the options for a TLS session with <paramref name="host"/> (a name or an IP address as written
    /// in the route). <paramref name="onRefused"/> receives the reason when the server's certificate is refused.
    /// </summary>
    public SslClientAuthenticationOptions ClientOptions(string host, Action<string>? onRefused = null)
    {
        var cfg = _config();
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (!cfg.SSLWantVerify)
        {
            // Opportunistic TLS (RFC 7435), XMail 1.27's behaviour: encrypted, but anyone's certificate will do.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return options;
        }
        options.CertificateChainPolicy = ChainPolicy(cfg);
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            var refusal = JudgeServer(cfg, host, certificate, chain, errors);
            if (refusal is null) return true;
            _log.LogInformation("TLS certificate of {Host} refused: {Reason}", host, refusal);
            onRefused?.Invoke(refusal);
            return false;
        };
        return options;
    }

    private string? JudgeServer(ServerConfig cfg, string host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return "no certificate";
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return $"certificate \"{certificate.Subject}\" is not for {host}";
        return JudgeChain(cfg, certificate, chain);
    }

    private string? JudgeClient(ServerConfig cfg, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return cfg.SSLWantCert ? "the client presented no certificate (SSLWantCert)" : null;
        return JudgeChain(cfg, certificate, chain);
    }

    private static string? JudgeChain(ServerConfig cfg, X509Certificate certificate, X509Chain? chain)
    {
        if (chain is null) return $"certificate \"{certificate.Subject}\": no chain";
        foreach (var status in chain.ChainStatus)
        {
            if (status.Status == X509ChainStatusFlags.NoError) continue;
            if (status.Status == X509ChainStatusFlags.UntrustedRoot && cfg.SSLAllowSelfSigned) continue;
            return $"certificate \"{certificate.Subject}\": {status.Status} ({status.StatusInformation.Trim()})";
        }
        int between = chain.ChainElements.Count - 2;
        if (cfg.SSLMaxCertsDepth > 0 && between > cfg.SSLMaxCertsDepth)
            return $"certificate \"{certificate.Subject}\": {between} certificates up to the root, SSLMaxCertsDepth allows {cfg.SSLMaxCertsDepth}";
        return null;
    }

    private X509ChainPolicy ChainPolicy(ServerConfig cfg)
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTime = _time.GetUtcNow().UtcDateTime,
        };
        if (TrustAnchors(cfg) is { } anchors)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(anchors);
        }
        return policy;
    }

    /// <summary>certs.pem and certs/*, re-read when a file changes; null when neither is configured (system roots).</summary>
    private X509Certificate2Collection? TrustAnchors(ServerConfig cfg)
    {
        if (_mailRoot is null || !(cfg.SSLUseCertsFile || cfg.SSLUseCertsDir)) return null;
        var files = new List<string>();
        if (cfg.SSLUseCertsFile) files.Add(Path.Combine(_mailRoot, CertsFileName));
        if (cfg.SSLUseCertsDir && Directory.Exists(Path.Combine(_mailRoot, CertsDirName)))
            files.AddRange(Directory.GetFiles(Path.Combine(_mailRoot, CertsDirName)).Order(StringComparer.Ordinal));
        var key = string.Join('|', files.Select(f => f + "@" + (File.Exists(f) ? File.GetLastWriteTimeUtc(f).Ticks : 0)));
        lock (_gate)
        {
            if (_anchors is { } cached && cached.Key == key) return cached.Anchors;
            var anchors = new X509Certificate2Collection();
            foreach (var file in files) Import(anchors, file);
            if (anchors.Count == 0) _log.LogWarning("SSLWantVerify: no trusted certificate in {Files}; every peer certificate will be refused", string.Join(", ", files));
            _anchors = (key, anchors);
            return anchors;
        }
    }

    private void Import(X509Certificate2Collection into, string file)
    {
        try
        {
            into.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            _log.LogWarning("trusted certificates: {File} skipped: {Error}", file, ex.Message);
        }
    }
}
