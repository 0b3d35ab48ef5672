using System.Net;

namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// Sender authentication for the SMTP session (SPF at MAIL FROM, DKIM/ARC/DMARC and Authentication-Results after
/// DATA). Implemented in XMail.Fast.Delivery over the server's DNS resolver; registered in DI as a singleton.
/// Every method answers within its DNS timeouts (a DNS failure is a temperror, never a hang) and never throws for
/// bad input (malformed records, signatures or keys become their RFC results).
/// </summary>
public interface IMailAuthenticator
{
    /// <summary>The settings of the current server.tab snapshot.</summary>
    MailAuthSettings Settings { get; }

    /// <summary>RFC 7208 check_host() for the MAIL FROM identity (postmaster@helo for a null reverse path).</summary>
    ValueTask<SpfVerdict> CheckMailFromAsync(IPAddress client, string helo, string mailFrom, CancellationToken ct = default);

    /// <summary>RFC 7208 2.3: check_host() for the HELO identity.</summary>
    ValueTask<SpfVerdict> CheckHeloAsync(IPAddress client, string helo, CancellationToken ct = default);

    /// <summary>
    /// DKIM, ARC and DMARC over the spooled message; unless the verdict is a refusal, rewrites the spool file with
    /// an Authentication-Results field on top and without any forged one carrying this server's authserv-id.
    /// </summary>
    ValueTask<MessageAuthVerdict> CheckMessageAsync(MessageAuthRequest request, CancellationToken ct = default);

    /// <summary>True when mail from this sender domain is exempt from refusals (mailauth.exempt.tab).</summary>
    bool IsExemptDomain(string domain);
}
