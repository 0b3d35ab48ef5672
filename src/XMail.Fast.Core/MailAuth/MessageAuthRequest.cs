using System.Net;

namespace XMail.Fast.Core.MailAuth;

/// <summary>
/// A received message to check: its spool file in temp/ (spool header, &lt;&lt;MAIL-DATA&gt;&gt;, then the message),
/// who sent it and the SPF verdicts the session already has (they go into Authentication-Results and DMARC).
/// </summary>
public sealed record MessageAuthRequest(string SpoolFile, IPAddress Client, string Helo, string MailFrom, SpfVerdict MailFromSpf, SpfVerdict HeloSpf);
