using System.Text;

namespace XMail.Fast.Core.Mailbox;

/// <summary>
/// The bytes of a locally delivered message, as XMail 1.27 writes them (observed "delivery.headers"):
/// "Return-Path: &lt;sender&gt;\n" and "Delivered-To: rcpt\n" first, then the message's header fields each ended by
/// a bare LF (the inner lines of a folded field keep their CRLF), an LF blank line, then the body byte for byte.
/// </summary>
public static class DeliveredMessageWriter
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    /// <param name="message">Positioned at the first header byte of the message (after the spool header).</param>
    public static void Write(Stream output, string returnPath, string deliveredTo, Stream message)
    {
        WriteAscii(output, "Return-Path: <" + returnPath + ">\n");
        WriteAscii(output, "Delivered-To: " + deliveredTo + "\n");
        CopyHeadersAndBody(output, message);
    }

    /// <summary>Header fields re-terminated as XMail does, then the body copied unchanged.</summary>
    public static void CopyHeadersAndBody(Stream output, Stream message)
    {
        var line = new List<byte>(256);
        byte[]? pending = null;
        while (true)
        {
            bool eof = !ReadLine(message, line);
            if (eof && line.Count == 0)
            {
                if (pending is not null) { output.Write(pending); output.WriteByte(LF); }
                return;
            }
            if (line.Count == 0)
            {
                if (pending is not null) { output.Write(pending); output.WriteByte(LF); }
                output.WriteByte(LF);
                message.CopyTo(output, 64 * 1024);
                return;
            }
            bool continuation = line[0] is (byte)' ' or (byte)'\t';
            if (pending is not null)
            {
                output.Write(pending);
                if (continuation) { output.WriteByte(CR); output.WriteByte(LF); }
                else output.WriteByte(LF);
            }
            pending = line.ToArray();
            if (eof)
            {
                output.Write(pending);
                output.WriteByte(LF);
                return;
            }
        }
    }

    /// <summary>Reads one line without its CRLF/LF terminator; false at end of stream.</summary>
    private static bool ReadLine(Stream s, List<byte> line)
    {
        line.Clear();
        while (true)
        {
            int b = s.ReadByte();
            if (b < 0) return false;
            if (b == LF)
            {
                if (line.Count > 0 && line[^1] == CR) line.RemoveAt(line.Count - 1);
                return true;
            }
            line.Add((byte)b);
        }
    }

    private static void WriteAscii(Stream s, string text) => s.Write(Encoding.Latin1.GetBytes(text));
}
