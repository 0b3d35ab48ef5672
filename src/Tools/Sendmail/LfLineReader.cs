namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// Reads LF-terminated lines as raw bytes (any trailing CR/LF removed, as SendMail.cpp did), reusing one
/// buffer: message bytes are never decoded, so 8-bit bodies pass through unchanged.
/// </summary>
public sealed class LfLineReader(Stream input)
{
    public const int MaxLineBytes = 1 << 20;

    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;
    private bool _eof;
    private int _lineStart, _lineLength;

    /// <summary>The current line, valid until the next call to <see cref="Next"/>.</summary>
    public ReadOnlySpan<byte> Line => _buffer.AsSpan(_lineStart, _lineLength);

    public bool Next()
    {
        int scanFrom = _start;
        while (true)
        {
            int lf = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                int end = scanFrom + lf;
                SetLine(_start, end);
                _start = end + 1;
                return true;
            }
            if (_end - _start >= MaxLineBytes)
            {
                // A line with no LF in sight is cut (XMail 1.27 cut at 1.5 KB) instead of growing without bound.
                SetLine(_start, _start + MaxLineBytes);
                _start += MaxLineBytes;
                return true;
            }
            if (_eof)
            {
                if (_end == _start) return false;
                SetLine(_start, _end);
                _start = _end;
                return true;
            }
            scanFrom = _end;
            Fill(ref scanFrom);
        }
    }

    private void SetLine(int start, int end)
    {
        while (end > start && (_buffer[end - 1] == '\r' || _buffer[end - 1] == '\n')) end--;
        _lineStart = start;
        _lineLength = end - start;
    }

    private void Fill(ref int scanFrom)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            scanFrom -= _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = input.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        else _end += n;
    }
}
