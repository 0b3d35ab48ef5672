using System.Globalization;
using System.Text;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// Copies the message from the input to the data stream with CRLF line ends, as SendMail.cpp did: stops at
/// a lone "." unless -i, skips an XMail spool prologue up to "&lt;&lt;MAIL-DATA&gt;&gt;", adds From:/Date: when
/// missing, drops Bcc: (with its continuation lines) and, with -t, collects To:/Cc:/Bcc: recipients.
/// </summary>
public sealed class MessageComposer(SendmailOptions options, DateTimeOffset now)
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] MailDataTag = "<<MAIL-DATA>>"u8.ToArray();

    private readonly StringBuilder _rcptHeader = new();
    private bool _inRcptHeader;

    public List<string> ExtractedRecipients { get; } = [];

    public void Copy(LfLineReader input, Stream data)
    {
        bool inHeaders = true, hasFrom = false, hasDate = false, noEmit = false, skippingPrologue = options.XMailFormat;
        bool first = true;
        while (input.Next())
        {
            var line = input.Line;
            if (options.DotMode && line.Length == 1 && line[0] == '.') break;
            if (skippingPrologue)
            {
                if (line.SequenceEqual(MailDataTag)) skippingPrologue = false;
                continue;
            }
            if (inHeaders)
            {
                var text = TabFile.Bytes.GetString(line);
                bool straightFile = first && !IsHeaderLine(text);
                first = false;
                if (straightFile || text.Length == 0)
                {
                    FlushRecipientHeader();
                    inHeaders = false;
                    noEmit = false;
                    AddMissingHeaders(data, hasFrom, hasDate);
                    // A message without headers: the added ones need their own separator.
                    if (straightFile) data.Write(CrLf);
                }
                else if (text[0] is ' ' or '\t')
                {
                    if (_inRcptHeader) _rcptHeader.Append(' ').Append(text);
                }
                else
                {
                    FlushRecipientHeader();
                    noEmit = StartsWith(text, "Bcc:");
                    _inRcptHeader = options.ExtractRecipients && (StartsWith(text, "To:") || StartsWith(text, "Cc:") || StartsWith(text, "Bcc:"));
                    if (_inRcptHeader) _rcptHeader.Append(text.AsSpan(text.IndexOf(':') + 1));
                    hasFrom |= StartsWith(text, "From:");
                    hasDate |= StartsWith(text, "Date:");
                }
            }
            if (!noEmit)
            {
                data.Write(line);
                data.Write(CrLf);
            }
        }
        if (inHeaders)
        {
            // Input ended inside the headers (no body): still give the message its From:/Date:.
            FlushRecipientHeader();
            AddMissingHeaders(data, hasFrom, hasDate);
        }
    }

    private void AddMissingHeaders(Stream data, bool hasFrom, bool hasDate)
    {
        if (!hasFrom)
        {
            var from = options.ExtMailFrom.Length > 0 ? options.ExtMailFrom : "<" + options.MailFrom + ">";
            data.Write(TabFile.Bytes.GetBytes("From: " + from + "\r\n"));
        }
        if (!hasDate) data.Write(TabFile.Bytes.GetBytes("Date: " + FormatDate(now) + "\r\n"));
    }

    private void FlushRecipientHeader()
    {
        if (!_inRcptHeader) return;
        RecipientExtractor.Extract(_rcptHeader.ToString(), ExtractedRecipients);
        _rcptHeader.Clear();
        _inRcptHeader = false;
    }

    /// <summary>RFC 5322 date, e.g. "Tue, 24 Nov 2026 15:43:39 +0100".</summary>
    public static string FormatDate(DateTimeOffset t)
    {
        var offset = t.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return t.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) +
               sign + offset.Hours.ToString("D2", CultureInfo.InvariantCulture) + offset.Minutes.ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>SendMail.cpp's IsRFC822HeaderLine: a letter, then letters, digits, '_' or '-' up to a ':'.</summary>
    public static bool IsHeaderLine(string line)
    {
        int colon = line.IndexOf(':');
        if (line.Length == 0 || !char.IsAsciiLetter(line[0]) || colon < 0) return false;
        for (int i = 1; i < colon; i++)
            if (!(char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or '-')) return false;
        return true;
    }

    private static bool StartsWith(string line, string name) => line.StartsWith(name, StringComparison.OrdinalIgnoreCase);
}
