using System.Text;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// Recognises one SMTP command line (CRLF already removed) without allocating: the verb and where its argument
/// starts. "MAIL FROM:" and "RCPT TO:" are matched whole, as XMail 1.27 does ("RCPT  TO:" and "RCPT TO &lt;x&gt;"
/// are 500); other verbs must be followed by a space or the end of the line.
/// </summary>
public static class SmtpCommandParser
{
    private static ReadOnlySpan<byte> MailFrom => "MAIL FROM:"u8;
    private static ReadOnlySpan<byte> RcptTo => "RCPT TO:"u8;
    private const byte Space = (byte)' ';

    public static SmtpCommand Parse(ReadOnlySpan<byte> line, out int argumentOffset)
    {
        argumentOffset = line.Length;
        if (line.Length >= MailFrom.Length && Ascii.EqualsIgnoreCase(line[..MailFrom.Length], MailFrom))
        {
            argumentOffset = MailFrom.Length;
            return SmtpCommand.Mail;
        }
        if (line.Length >= RcptTo.Length && Ascii.EqualsIgnoreCase(line[..RcptTo.Length], RcptTo))
        {
            argumentOffset = RcptTo.Length;
            return SmtpCommand.Rcpt;
        }
        int space = line.IndexOf(Space);
        var verb = space < 0 ? line : line[..space];
        var cmd = verb.Length switch
        {
            4 => Verb4(verb),
            8 when Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8) => SmtpCommand.StartTls,
            _ => SmtpCommand.Unknown,
        };
        if (cmd != SmtpCommand.Unknown && space >= 0) argumentOffset = space + 1;
        return cmd;
    }

    private static SmtpCommand Verb4(ReadOnlySpan<byte> v)
    {
        // Upper-case the four bytes into an int: one compare per verb instead of a string switch.
        int key = (Upper(v[0]) << 24) | (Upper(v[1]) << 16) | (Upper(v[2]) << 8) | Upper(v[3]);
        return key switch
        {
            ('H' << 24) | ('E' << 16) | ('L' << 8) | 'O' => SmtpCommand.Helo,
            ('E' << 24) | ('H' << 16) | ('L' << 8) | 'O' => SmtpCommand.Ehlo,
            ('D' << 24) | ('A' << 16) | ('T' << 8) | 'A' => SmtpCommand.Data,
            ('R' << 24) | ('S' << 16) | ('E' << 8) | 'T' => SmtpCommand.Rset,
            ('V' << 24) | ('R' << 16) | ('F' << 8) | 'Y' => SmtpCommand.Vrfy,
            ('E' << 24) | ('T' << 16) | ('R' << 8) | 'N' => SmtpCommand.Etrn,
            ('N' << 24) | ('O' << 16) | ('O' << 8) | 'P' => SmtpCommand.Noop,
            ('H' << 24) | ('E' << 16) | ('L' << 8) | 'P' => SmtpCommand.Help,
            ('Q' << 24) | ('U' << 16) | ('I' << 8) | 'T' => SmtpCommand.Quit,
            ('A' << 24) | ('U' << 16) | ('T' << 8) | 'H' => SmtpCommand.Auth,
            ('M' << 24) | ('A' << 16) | ('I' << 8) | 'L' => SmtpCommand.Unknown,
            _ => SmtpCommand.Unknown,
        };
    }

    private static int Upper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? b - 32 : b;
}
