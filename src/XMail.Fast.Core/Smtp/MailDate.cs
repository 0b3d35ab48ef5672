using System.Globalization;

namespace XMail.Fast.Core.Smtp;

/// <summary>RFC 2822 dates as XMail writes them in banners and Received: lines ("Tue, 24 Nov 2026 15:43:43 -0000").</summary>
public static class MailDate
{
    public static string Format(DateTimeOffset t)
    {
        var off = t.Offset;
        // XMail writes a zero offset as "-0000" (RFC 2822 §3.3: local time zone unknown/UTC).
        string zone = off == TimeSpan.Zero
            ? "-0000"
            : (off < TimeSpan.Zero ? "-" : "+") + Math.Abs(off.Hours).ToString("00", CultureInfo.InvariantCulture) + Math.Abs(off.Minutes).ToString("00", CultureInfo.InvariantCulture);
        return t.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + zone;
    }

    public static string Now(TimeProvider time) => Format(time.GetLocalNow());

    /// <summary>An instant shown in the server's local time zone (CTRL banner and userstat, spool logs, bounces).</summary>
    public static string Local(DateTimeOffset instant) => Format(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.Local));
}
