using System.Globalization;

namespace XMail.Fast.Delivery.Spool;

/// <summary>RFC 822 dates as XMail writes them: "Tue, 24 Nov 2026 15:43:43 -0000" (a zero offset shows as -0000).</summary>
public static class RfcDate
{
    public static string Format(DateTimeOffset utcNow)
    {
        var local = TimeZoneInfo.ConvertTime(utcNow, TimeZoneInfo.Local);
        var off = local.Offset;
        string zone = off == TimeSpan.Zero ? "-0000" : (off < TimeSpan.Zero ? "-" : "+") + off.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
        return local.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + zone;
    }
}
