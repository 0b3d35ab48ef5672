namespace XMail.Fast.Core.Spool;

/// <summary>
/// The one writer of a spool file's header ("XMAIL SPOOL DESIGN", read back by <see cref="SpoolHeader.Read"/>): the
/// info line, the SMTP domain, the SMTP message id, the MAIL FROM line, one RCPT TO line per recipient and the
/// "&lt;&lt;MAIL-DATA&gt;&gt;" marker, each ending in CRLF. Every producer of spool files — the SMTP server, LMAIL,
/// bounces, list fan-out, PSYNC — writes through it. Recipients are read through <paramref name="rcptLine"/> so a
/// caller's own list serves as it is (the SMTP DATA path allocates nothing here).
/// </summary>
public static class SpoolHeaderWriter
{
    private const string CrLf = "\r\n";

    public static void Write<TRcpt>(ISpoolTextWriter to, ReadOnlySpan<char> info, ReadOnlySpan<char> smtpDomain,
        ReadOnlySpan<char> messageId, ReadOnlySpan<char> mailFromLine, IReadOnlyList<TRcpt> recipients, Func<TRcpt, string> rcptLine)
    {
        Line(to, info);
        Line(to, smtpDomain);
        Line(to, messageId);
        Line(to, mailFromLine);
        for (int i = 0; i < recipients.Count; i++) Line(to, rcptLine(recipients[i]));
        Line(to, SpoolHeader.DataMarker);
    }

    private static void Line(ISpoolTextWriter to, ReadOnlySpan<char> text)
    {
        to.WriteText(text);
        to.WriteText(CrLf);
    }
}
