using System.Text;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// A "XMAIL LOCAL MAILER" file (spool/local, what the sendmail tool leaves for LMAIL): "mail from:&lt;...&gt;", one or
/// more "rcpt to:&lt;...&gt;", an empty line, then the RFC 822 message (CRLF lines). <see cref="WriteEnvelope"/> writes
/// the envelope; <see cref="TryReadEnvelope"/> reads it and leaves the stream at the first message byte.
/// </summary>
public static class LocalMailFile
{
    private const int MaxLine = 4096;

    /// <summary>Writes the envelope lines and the empty line after them (Latin-1, as TAB files keep their bytes).</summary>
    public static void WriteEnvelope(Stream s, string sender, IEnumerable<string> recipients)
    {
        var envelope = new StringBuilder(128);
        envelope.Append("mail from:<").Append(sender).Append(">\r\n");
        foreach (var r in recipients) envelope.Append("rcpt to:<").Append(r).Append(">\r\n");
        envelope.Append("\r\n");
        s.Write(Encoding.Latin1.GetBytes(envelope.ToString()));
    }

    public static bool TryReadEnvelope(Stream s, out string sender, out List<string> recipients, out string error)
    {
        sender = "";
        recipients = new List<string>();
        error = "";
        bool haveFrom = false;
        var sb = new StringBuilder(128);
        while (true)
        {
            if (!ReadLine(s, sb, out bool tooLong))
            {
                error = "end of file before the empty line that ends the envelope";
                return false;
            }
            if (tooLong)
            {
                error = "envelope line too long";
                return false;
            }
            var line = sb.ToString();
            if (line.Length == 0) break;
            if (line.StartsWith("mail from:", StringComparison.OrdinalIgnoreCase))
            {
                if (haveFrom) { error = "more than one mail from line"; return false; }
                if (!TryAddress(line, out sender)) { error = "bad mail from line: " + line; return false; }
                haveFrom = true;
            }
            else if (line.StartsWith("rcpt to:", StringComparison.OrdinalIgnoreCase))
            {
                if (!haveFrom) { error = "rcpt to before mail from"; return false; }
                if (!TryAddress(line, out var rcpt) || rcpt.Length == 0) { error = "bad rcpt to line: " + line; return false; }
                recipients.Add(rcpt);
            }
            else
            {
                error = "unexpected envelope line: " + line;
                return false;
            }
        }
        if (!haveFrom) { error = "no mail from line"; return false; }
        if (recipients.Count == 0) { error = "no rcpt to line"; return false; }
        return true;
    }

    private static bool TryAddress(string line, out string address)
    {
        address = "";
        int lt = line.IndexOf('<');
        int gt = lt < 0 ? -1 : line.IndexOf('>', lt + 1);
        if (lt < 0 || gt < 0) return false;
        address = line.Substring(lt + 1, gt - lt - 1).Trim();
        return address.IndexOfAny(['<', '>', '\r', '\n', ' ', '\t']) < 0;
    }

    private static bool ReadLine(Stream s, StringBuilder sb, out bool tooLong)
    {
        sb.Clear();
        tooLong = false;
        while (true)
        {
            int b = s.ReadByte();
            if (b < 0) return false;
            if (b == '\n')
            {
                if (sb.Length > 0 && sb[^1] == '\r') sb.Length--;
                return true;
            }
            if (sb.Length >= MaxLine) { tooLong = true; return true; }
            sb.Append((char)b);
        }
    }
}
