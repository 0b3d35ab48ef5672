using System.Text;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// The header of a spool file, everything before "&lt;&lt;MAIL-DATA&gt;&gt;" (CRLF lines):
/// <code>
/// [ClientIP]:ClientPort;[ServerIP]:ServerPort;Time      info line
/// SmtpDomain
/// SmtpMessageID                                          e.g. S3
/// MAIL FROM:&lt;...&gt; [params]
/// RCPT TO:&lt;...&gt; [params]                                one or more
/// &lt;&lt;MAIL-DATA&gt;&gt;
/// message (headers, blank line, body), CRLF lines, not dot-stuffed
/// </code>
/// </summary>
public sealed class SpoolHeader
{
    public const string DataMarker = "<<MAIL-DATA>>";

    public string Info { get; set; } = "";
    public string SmtpDomain { get; set; } = "";
    public string MessageId { get; set; } = "";
    /// <summary>The whole MAIL FROM line as stored (e.g. "MAIL FROM:&lt;a@b&gt; AUTH=x").</summary>
    public string MailFromLine { get; set; } = "MAIL FROM:<>";
    public List<string> RcptLines { get; } = new();

    /// <summary>Byte offset of the first message byte (after the marker line) in the file.</summary>
    public long DataOffset { get; set; }

    /// <summary>The sender address without brackets ("" for the null sender).</summary>
    public string MailFrom => AddressOf(MailFromLine);

    public IEnumerable<string> Recipients => RcptLines.Select(AddressOf);

    /// <summary>The MAIL FROM line of a new spool file ("" is the null sender).</summary>
    public static string MailFromLineFor(string address) => "MAIL FROM:<" + address + ">";

    /// <summary>A RCPT TO line of a new spool file.</summary>
    public static string RcptLineFor(string address) => "RCPT TO:<" + address + ">";

    /// <summary>The address between the first '&lt;' and the next '&gt;' of a MAIL FROM/RCPT TO line.</summary>
    public static string AddressOf(string line)
    {
        int lt = line.IndexOf('<');
        int gt = lt < 0 ? -1 : line.IndexOf('>', lt + 1);
        return lt < 0 || gt < 0 ? "" : line.Substring(lt + 1, gt - lt - 1);
    }

    /// <summary>Writes this header (through <see cref="SpoolHeaderWriter"/>) to a spool draft.</summary>
    public void WriteTo(ISpoolTextWriter to) =>
        SpoolHeaderWriter.Write(to, Info, SmtpDomain, MessageId, MailFromLine, RcptLines, static line => line);

    /// <summary>The header as text (through <see cref="SpoolHeaderWriter"/>).</summary>
    public string Format()
    {
        var text = new TextSink(new StringBuilder(256));
        WriteTo(text);
        return text.Builder.ToString();
    }

    private sealed class TextSink(StringBuilder builder) : ISpoolTextWriter
    {
        public StringBuilder Builder => builder;
        public void WriteText(ReadOnlySpan<char> text) => builder.Append(text);
    }

    /// <summary>Reads the header of a spool file; the stream is left at the first message byte. Null if malformed.</summary>
    public static SpoolHeader? Read(Stream stream)
    {
        var h = new SpoolHeader();
        var lines = new List<string>();
        long offset = 0;
        var sb = new StringBuilder(128);
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) return null;
            offset++;
            if (b == '\n')
            {
                if (sb.Length > 0 && sb[^1] == '\r') sb.Length--;
                var line = sb.ToString();
                sb.Clear();
                if (line == DataMarker) break;
                lines.Add(line);
                if (lines.Count > 100_000) return null;
                continue;
            }
            if (sb.Length > 64 * 1024) return null;
            sb.Append((char)b);
        }
        if (lines.Count < 5) return null;
        h.Info = lines[0];
        h.SmtpDomain = lines[1];
        h.MessageId = lines[2];
        if (!lines[3].StartsWith("MAIL FROM:", StringComparison.OrdinalIgnoreCase)) return null;
        h.MailFromLine = lines[3];
        for (int i = 4; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("RCPT TO:", StringComparison.OrdinalIgnoreCase)) return null;
            h.RcptLines.Add(lines[i]);
        }
        h.DataOffset = offset;
        return h;
    }

    public static SpoolHeader? ReadFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
        return Read(new BufferedStream(fs, 4096));
    }
}
