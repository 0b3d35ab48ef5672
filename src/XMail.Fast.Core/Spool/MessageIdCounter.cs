using System.Globalization;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// MailRoot/message.id: the sequential number behind SMTP ids such as "S3" or "S5C" ('S' + hex).
/// Numbers are reserved in blocks so the file is rewritten once per block, not once per message;
/// a crash may skip numbers, never reuse them.
/// </summary>
public sealed class MessageIdCounter
{
    private const int Block = 256;
    private readonly string _path;
    private readonly object _gate = new();
    private long _next;
    private long _limit;

    public MessageIdCounter(string path) => _path = path;

    public long Next()
    {
        lock (_gate)
        {
            if (_next >= _limit)
            {
                long start = 1;
                try
                {
                    var text = File.ReadAllText(_path).Trim();
                    if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v > 0) start = v;
                }
                catch (FileNotFoundException) { }
                _next = start;
                _limit = start + Block;
                Tab.AtomicFile.WriteAllText(_path, _limit.ToString(CultureInfo.InvariantCulture) + "\n");
            }
            return _next++;
        }
    }

    /// <summary>"S" + hex, as XMail's SMTP server names messages (250 OK &lt;S5C&gt;).</summary>
    public string NextSmtpId() => "S" + Next().ToString("X");
}
