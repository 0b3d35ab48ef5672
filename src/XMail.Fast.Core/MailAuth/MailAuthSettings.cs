using XMail.Fast.Core.Config;

namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// The server.tab variables of sender authentication. Every one is off when unset, so an XMail 1.27 MailRoot keeps
/// 1.27's behaviour; MailRoot.template turns them on. See docs/mail-authentication.md.
/// </summary>
public sealed record MailAuthSettings
{
    public const string DefaultPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat";
    public const string DefaultQuarantineHeader = "X-Spam-Flag: YES";

    /// <summary>SpfCheck: 0 off, 1 check MAIL FROM and HELO and report, 2 also refuse an SPF fail at MAIL FROM.</summary>
    public int SpfCheck { get; init; }
    /// <summary>DkimVerify: 1 verifies every DKIM-Signature.</summary>
    public bool DkimVerify { get; init; }
    /// <summary>ArcVerify: 1 validates the ARC chain.</summary>
    public bool ArcVerify { get; init; }
    /// <summary>DmarcCheck: 0 off, 1 evaluate and report, 2 also apply p=reject (550 5.7.1) and p=quarantine.</summary>
    public int DmarcCheck { get; init; }
    /// <summary>AuthResults: 1 adds Authentication-Results and removes forged ones carrying <see cref="AuthServId"/>.</summary>
    public bool AuthResults { get; init; }
    /// <summary>AuthServId: the authserv-id of Authentication-Results (default SmtpServerDomain).</summary>
    public string AuthServId { get; init; } = "";
    /// <summary>DkimMinKeyBits: RSA keys shorter than this make a signature permerror (RFC 8301: 1024).</summary>
    public int DkimMinKeyBits { get; init; } = 1024;
    /// <summary>DmarcQuarantineHeader: the field added to a quarantined message (the flag mail filters file it by).</summary>
    public string QuarantineHeader { get; init; } = DefaultQuarantineHeader;
    /// <summary>PublicSuffixList: the PSL file for DMARC's organizational domain.</summary>
    public string PublicSuffixList { get; init; } = DefaultPublicSuffixList;
    /// <summary>ArcTrustedSealers: forwarders (ARC-Seal d=) whose intact chain lets a DMARC failure through.</summary>
    public IReadOnlyList<string> ArcTrustedSealers { get; init; } = [];
    /// <summary>DkimSign: 1 signs mail leaving through remote delivery with the keys under MailRoot/dkim.</summary>
    public bool DkimSign { get; init; }
    /// <summary>DkimSignHeaders: colon-separated fields to sign (default <see cref="DefaultSignedHeaders"/>).</summary>
    public string? DkimSignHeaders { get; init; }

    /// <summary>
    /// RFC 6376 5.4.1's recommended fields; From is required. Fields absent from a message are still listed once
    /// by the signer where that guards against adding them later ("over-signing" is not done).
    /// </summary>
    public const string DefaultSignedHeaders =
        "From:Reply-To:Subject:Date:To:Cc:Message-ID:In-Reply-To:References:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post";

    public bool AnyInboundCheck => SpfCheck > 0 || DkimVerify || ArcVerify || DmarcCheck > 0 || AuthResults;

    /// <summary>After DATA there is work only for DKIM, ARC, DMARC or the header itself.</summary>
    public bool AnyMessageCheck => DkimVerify || ArcVerify || DmarcCheck > 0 || AuthResults;

    public static MailAuthSettings From(ServerConfig cfg) => new()
    {
        SpfCheck = cfg.GetInt("SpfCheck", 0),
        DkimVerify = cfg.GetBool("DkimVerify", false),
        ArcVerify = cfg.GetBool("ArcVerify", false),
        DmarcCheck = cfg.GetInt("DmarcCheck", 0),
        AuthResults = cfg.GetBool("AuthResults", false),
        AuthServId = cfg.Get("AuthServId") is { Length: > 0 } id ? id : cfg.SmtpServerDomain,
        DkimMinKeyBits = Math.Clamp(cfg.GetInt("DkimMinKeyBits", 1024), 512, 16384),
        QuarantineHeader = cfg.Get("DmarcQuarantineHeader") is { Length: > 0 } h ? h : DefaultQuarantineHeader,
        PublicSuffixList = cfg.Get("PublicSuffixList") is { Length: > 0 } p ? p : DefaultPublicSuffixList,
        ArcTrustedSealers = (cfg.Get("ArcTrustedSealers") ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        DkimSign = cfg.GetBool("DkimSign", false),
        DkimSignHeaders = cfg.Get("DkimSignHeaders") is { Length: > 0 } s ? s : null,
    };
}
