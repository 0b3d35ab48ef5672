using System.Globalization;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>The two time formats of the CTRL protocol: RFC 2822 (banner, userstat) and XMail's "YYYY-MM-DD HH:MM:SS" (frozlist).</summary>
internal static class CtrlDates
{
    /// <summary>"Tue, 24 Nov 2026 15:43:39 -0000" in server local time (Core's <see cref="Core.Smtp.MailDate"/>).</summary>
    public static string Rfc2822(DateTimeOffset utc) => Core.Smtp.MailDate.Local(utc);

    /// <summary>"2026-11-24 15:43:43" in server local time.</summary>
    public static string Numeric(DateTimeOffset utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
