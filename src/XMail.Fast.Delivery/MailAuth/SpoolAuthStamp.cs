using System.Text;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// Rewrites a spool file in temp/ before it is committed: the spool header as it was, then the new fields (our
/// Authentication-Results, a quarantine mark) on top of the message, then the message's own header without any
/// Authentication-Results that carries our authserv-id (RFC 8601 5: forged), then the body byte for byte. The new
/// file replaces the old one by rename, so a crash leaves one or the other, never half of each.
/// </summary>
public static class SpoolAuthStamp
{
    private const int MaxFieldBytes = 1 << 20;

    /// <returns>How many forged fields were removed.</returns>
    public static int Rewrite(string spoolFile, string newFields, string authServId)
    {
        var tmp = spoolFile + ".ar";
        int removed = 0;
        using (var input = new FileStream(spoolFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024))
        using (var output = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            var field = new MemoryStream(1024);
            // The spool header, through the <<MAIL-DATA>> line.
            while (ReadLine(input, field))
            {
                output.Write(field.GetBuffer(), 0, (int)field.Length);
                bool marker = IsLine(field, SpoolHeader.DataMarker);
                field.SetLength(0);
                if (marker) break;
            }
            var bytes = Encoding.Latin1.GetBytes(newFields);
            output.Write(bytes);
            removed = CopyHeader(input, output, field, authServId);
            input.CopyTo(output);
        }
        File.Move(tmp, spoolFile, overwrite: true);
        return removed;
    }

    /// <summary>Copies header fields (a line and its continuation lines) up to and including the blank line.</summary>
    private static int CopyHeader(Stream input, Stream output, MemoryStream line, string authServId)
    {
        int removed = 0;
        var current = new MemoryStream(1024);
        while (true)
        {
            line.SetLength(0);
            bool got = ReadLine(input, line);
            bool continuation = got && line.Length > 0 && line.GetBuffer()[0] is (byte)' ' or (byte)'\t';
            if (continuation && current.Length < MaxFieldBytes)
            {
                current.Write(line.GetBuffer(), 0, (int)line.Length);
                continue;
            }
            if (current.Length > 0)
            {
                if (IsOurs(current, authServId)) removed++;
                else output.Write(current.GetBuffer(), 0, (int)current.Length);
                current.SetLength(0);
            }
            if (!got) return removed;
            if (continuation || IsBlank(line) || !LooksLikeField(line))
            {
                // The blank line (or anything that is not a field: the body starts here).
                output.Write(line.GetBuffer(), 0, (int)line.Length);
                return removed;
            }
            current.Write(line.GetBuffer(), 0, (int)line.Length);
        }
    }

    private static bool IsOurs(MemoryStream field, string authServId)
    {
        var text = Encoding.Latin1.GetString(field.GetBuffer(), 0, (int)field.Length);
        int colon = text.IndexOf(':');
        if (colon < 0 || !text.AsSpan(0, colon).TrimEnd().Equals(AuthenticationResultsField.Name, StringComparison.OrdinalIgnoreCase)) return false;
        return AuthenticationResultsField.AuthServIdOf(text.AsSpan(colon + 1)).Equals(authServId, StringComparison.OrdinalIgnoreCase);
    }

    private static bool LooksLikeField(MemoryStream line)
    {
        var b = line.GetBuffer().AsSpan(0, (int)line.Length);
        int colon = b.IndexOf((byte)':');
        return colon > 0 && !b[..colon].ContainsAny((byte)' ', (byte)'\t');
    }

    private static bool IsBlank(MemoryStream line) => line.Length == 0 || (line.Length <= 2 && line.GetBuffer()[0] is (byte)'\r' or (byte)'\n');

    private static bool IsLine(MemoryStream line, string text)
    {
        var b = line.GetBuffer().AsSpan(0, (int)line.Length);
        while (b.Length > 0 && b[^1] is (byte)'\r' or (byte)'\n') b = b[..^1];
        return Encoding.Latin1.GetString(b) == text;
    }

    /// <summary>Reads through the next LF (kept); false at the end of the stream with nothing read.</summary>
    private static bool ReadLine(Stream input, MemoryStream into)
    {
        int b;
        bool any = false;
        while ((b = input.ReadByte()) >= 0)
        {
            any = true;
            into.WriteByte((byte)b);
            if (b == '\n') return true;
        }
        return any;
    }
}
