using System.Globalization;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>The two time formats of the CTRL protocol: RFC 2822 (banner, userstat) and XMail's "YYYY-MM-DD HH:MM:SS" (frozlist).</summary>
internal static class CtrlDates
{
    /// <summary>"Tue, 24 Nov 2026 15:43:39 -0000" in server local time; a zero offset is written "-0000" as XMail 1.27 does.</summary>
    public static string Rfc2822(DateTimeOffset utc)
    {
        var local = utc.ToLocalTime();
        var off = local.Offset;
        string zone = off == TimeSpan.Zero ? "-0000" : (off < TimeSpan.Zero ? "-" : "+") + off.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
        return local.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + zone;
    }

    /// <summary>"2026-11-24 15:43:43" in server local time.</summary>
    public static string Numeric(DateTimeOffset utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
