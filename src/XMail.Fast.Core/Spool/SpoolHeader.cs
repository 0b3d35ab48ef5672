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

    /// <summary>The address between the first '&lt;' and the next '&gt;' of a MAIL FROM/RCPT TO line.</summary>
    public static string AddressOf(string line)
    {
        int lt = line.IndexOf('<');
        int gt = lt < 0 ? -1 : line.IndexOf('>', lt + 1);
        return lt < 0 || gt < 0 ? "" : line.Substring(lt + 1, gt - lt - 1);
    }

    public string Format()
    {
        var sb = new StringBuilder(256);
        sb.Append(Info).Append("\r\n").Append(SmtpDomain).Append("\r\n").Append(MessageId).Append("\r\n").Append(MailFromLine).Append("\r\n");
        foreach (var r in RcptLines) sb.Append(r).Append("\r\n");
        sb.Append(DataMarker).Append("\r\n");
        return sb.ToString();
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
