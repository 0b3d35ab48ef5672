using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// Writes the verdict into a spool file in temp/ before it is committed: the new fields (our Authentication-Results,
/// a quarantine mark) go on top of the message, every Authentication-Results that carries our authserv-id (RFC 8601
/// 5: forged) leaves the message header, the rest stays byte for byte. A message held in memory is written back into
/// the same file (no new inode, no rename: on ext4 a replacing rename or a truncate to zero forces a write-back at
/// close, which cost a millisecond a message here); a larger one is copied to a new file that replaces the old by
/// rename. The file is not committed yet, so nothing reads it meanwhile and a crash only loses an unacknowledged draft.
/// </summary>
public static class SpoolAuthStamp
{
    /// <summary>Writes <paramref name="message"/> (the file's bytes from <paramref name="dataOffset"/> on) back with the
    /// new fields; returns how many forged fields were removed.</summary>
    public static int RewriteInPlace(SafeFileHandle file, long dataOffset, ReadOnlySpan<byte> message, string newFields, string authServId)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + newFields.Length + 64);
        Encoding.Latin1.GetBytes(newFields, output);
        int headerEnd = HeaderEnd(message);
        int removed = FilterHeader(message[..headerEnd], authServId, output);
        output.Write(message[headerEnd..]);
        RandomAccess.Write(file, output.WrittenSpan, dataOffset);
        long length = dataOffset + output.WrittenCount;
        if (RandomAccess.GetLength(file) > length) RandomAccess.SetLength(file, length);
        return removed;
    }

    /// <summary>The same for a file too large to hold: a copy with the new fields replaces it by rename.</summary>
    public static int RewriteByCopy(string spoolFile, long dataOffset, long bodyOffset, string newFields, string authServId)
    {
        var tmp = spoolFile + ".ar";
        int removed;
        using (var input = new FileStream(spoolFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024))
        using (var output = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            var head = new byte[bodyOffset];
            input.ReadExactly(head);
            output.Write(head, 0, (int)dataOffset);
            var composed = new ArrayBufferWriter<byte>(head.Length + newFields.Length);
            Encoding.Latin1.GetBytes(newFields, composed);
            removed = FilterHeader(head.AsSpan((int)dataOffset), authServId, composed);
            output.Write(composed.WrittenSpan);
            input.CopyTo(output);
        }
        File.Move(tmp, spoolFile, overwrite: true);
        return removed;
    }

    /// <summary>Where the header ends: just after the empty line (or the end, for a message without a body).</summary>
    public static int HeaderEnd(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("\r\n"u8)) return 2;
        int i = message.IndexOf("\r\n\r\n"u8);
        return i < 0 ? message.Length : i + 4;
    }

    /// <summary>Copies the header fields (a line and its continuation lines) except ours, and the empty line after them.</summary>
    private static int FilterHeader(ReadOnlySpan<byte> header, string authServId, IBufferWriter<byte> output)
    {
        int removed = 0;
        while (header.Length > 0)
        {
            int end = FieldEnd(header);
            var field = header[..end];
            if (IsOurs(field, authServId)) removed++;
            else output.Write(field);
            header = header[end..];
        }
        return removed;
    }

    /// <summary>The length of the first field: through the CRLF of its last line (a next line starting with SP/HT continues it).</summary>
    private static int FieldEnd(ReadOnlySpan<byte> s)
    {
        int pos = 0;
        while (true)
        {
            int lf = s[pos..].IndexOf((byte)'\n');
            if (lf < 0) return s.Length;
            pos += lf + 1;
            if (pos >= s.Length || s[pos] is not ((byte)' ' or (byte)'\t')) return pos;
        }
    }

    private static bool IsOurs(ReadOnlySpan<byte> field, string authServId)
    {
        var name = "Authentication-Results"u8;
        if (field.Length <= name.Length || !Ascii.EqualsIgnoreCase(field[..name.Length], name)) return false;
        var rest = field[name.Length..];
        int colon = rest.IndexOf((byte)':');
        if (colon < 0 || rest[..colon].IndexOfAnyExcept((byte)' ', (byte)'\t') >= 0) return false;
        var value = Encoding.Latin1.GetString(rest[(colon + 1)..]);
        return AuthenticationResultsField.AuthServIdOf(value).Equals(authServId, StringComparison.OrdinalIgnoreCase);
    }
}
