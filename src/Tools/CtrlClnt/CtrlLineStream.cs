using XMail.Fast.Core;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>
/// CRLF lines over a (possibly TLS) stream. Bytes map 1:1 to chars (Latin-1) so whatever the server
/// stores goes to stdout byte for byte. Lines are bounded so a broken peer cannot exhaust memory.
/// </summary>
public sealed class CtrlLineStream(Stream stream)
{
    public const int MaxLineBytes = 1 << 20;

    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    public Stream Stream { get; private set; } = stream;

    /// <summary>True when bytes beyond the last line were already received (must not happen before a TLS switch).</summary>
    public bool HasBufferedInput => _end > _start;

    /// <summary>Replaces the transport (after the TLS handshake); buffered input must be empty.</summary>
    public void Upgrade(Stream secured) => Stream = secured;

    /// <summary>The next line without its CR LF, or null when the peer closed the connection.</summary>
    public string? ReadLine()
    {
        var pending = new List<byte>();
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                pending.AddRange(new ArraySegment<byte>(_buffer, _start, lf - _start));
                _start = lf + 1;
                if (pending.Count > 0 && pending[^1] == '\r') pending.RemoveAt(pending.Count - 1);
                return TabFile.Bytes.GetString(pending.ToArray());
            }
            pending.AddRange(new ArraySegment<byte>(_buffer, _start, _end - _start));
            _start = _end = 0;
            if (pending.Count > MaxLineBytes)
                throw new CtrlClntException(ErrorCode.TooBig, "Line too long", $"server line longer than {MaxLineBytes} bytes");
            int n = Stream.Read(_buffer, 0, _buffer.Length);
            if (n == 0) return pending.Count > 0 ? TabFile.Bytes.GetString(pending.ToArray()) : null;
            _end = n;
        }
    }

    /// <summary>CtrlClnt.cpp sent argv bytes as they are (UTF-8 here); the Latin-1 string of those bytes sends them unchanged.</summary>
    public static string ToWire(string argument) => TabFile.Bytes.GetString(System.Text.Encoding.UTF8.GetBytes(argument));

    public void WriteLine(string line)
    {
        var bytes = TabFile.Bytes.GetBytes(line + "\r\n");
        Stream.Write(bytes);
        Stream.Flush();
    }
}
