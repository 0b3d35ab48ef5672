namespace XMail.Fast.Core.Smtp;

/// <summary>
/// Counts the "Received:" fields in a message's header (up to the first empty line), for the MaxMTAOps loop check
/// that runs on every spool message. Scans bytes, never builds a line: fed in chunks, so a message on disk streams
/// through a pooled buffer and one in memory is scanned in place. Lines end at CRLF, LF or a lone CR (as
/// <see cref="System.IO.StreamReader.ReadLine"/> splits them); the field name matches case-insensitively.
/// </summary>
public struct ReceivedHopCounter
{
    private static ReadOnlySpan<byte> FieldName => "received:"u8;

    private int _count;
    private int _lineLength;   // bytes of the current line so far
    private int _matched;      // bytes of "received:" matched at its start; -1 once it cannot match
    private bool _afterCr;     // the last byte ended a line with CR: an LF right after it belongs to that ending

    /// <summary>Received fields counted so far.</summary>
    public readonly int Count => _count;

    /// <summary>True once the empty line that ends the header was seen: further bytes are body.</summary>
    public bool HeaderEnded { get; private set; }

    /// <summary>Scans the next bytes of the message; returns false once the header has ended.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes)
    {
        if (HeaderEnded) return false;
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (_afterCr)
            {
                _afterCr = false;
                if (b == '\n')
                {
                    i++;
                    continue;
                }
            }
            if (b is (byte)'\r' or (byte)'\n')
            {
                if (_lineLength == 0)
                {
                    HeaderEnded = true;
                    return false;
                }
                _lineLength = 0;
                _matched = 0;
                _afterCr = b == '\r';
                i++;
                continue;
            }
            if (_matched < 0 || _matched == FieldName.Length)
            {
                // The rest of this line cannot change the count: skip to its end (vectorized).
                int end = bytes[i..].IndexOfAny((byte)'\r', (byte)'\n');
                if (end < 0)
                {
                    _lineLength += bytes.Length - i;
                    return true;
                }
                _lineLength += end;
                i += end;
                continue;
            }
            _lineLength++;
            i++;
            byte lower = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            if (lower != FieldName[_matched]) _matched = -1;
            else if (++_matched == FieldName.Length) _count++;
        }
        return true;
    }

    /// <summary>The Received fields in the header of <paramref name="message"/> (header and body bytes).</summary>
    public static int CountIn(ReadOnlySpan<byte> message)
    {
        var counter = new ReceivedHopCounter();
        counter.Feed(message);
        return counter.Count;
    }
}
