using System.Buffers;
using XMail.Fast.Core.Smtp;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// A committed spool message being processed: where its file is, its header, and its message bytes on demand. A
/// small message is read from disk once per pass (<see cref="Load"/>) and served from memory after that: the header
/// parse, the loop check and every mailbox copy would otherwise open and read the file again each.
/// </summary>
public sealed class SpoolMessage
{
    /// <summary>Messages up to this size are kept in memory for the pass.</summary>
    public const int InMemoryLimit = 256 * 1024;

    private byte[]? _content;

    public SpoolMessage(SpoolRef reference, string path, SpoolHeader header, byte[]? content = null)
    {
        Ref = reference;
        FilePath = path;
        Header = header;
        _content = content;
    }

    /// <summary>Reads the spool file (once, whole if small) and parses its header; null header when it is malformed.</summary>
    public static (SpoolHeader? Header, byte[]? Content) Load(string path)
    {
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            long length = RandomAccess.GetLength(handle);
            if (length <= InMemoryLimit)
            {
                var content = new byte[length];
                int read = 0;
                while (read < content.Length)
                {
                    int n = RandomAccess.Read(handle, content.AsSpan(read), read);
                    if (n == 0) break;
                    read += n;
                }
                if (read < content.Length) Array.Resize(ref content, read);
                return (SpoolHeader.Read(new MemoryStream(content, writable: false)), content);
            }
        }
        return (SpoolHeader.ReadFile(path), null);
    }

    public SpoolRef Ref { get; }
    /// <summary>The spool file (in mess/ or rsnd/), header included: what $(FILE) names for filters.</summary>
    public string FilePath { get; }
    public SpoolHeader Header { get; private set; }

    /// <summary>XMail's unique message id ($(MSGID)): the spool file name.</summary>
    public string Id => Ref.Name;
    /// <summary>The SMTP id ($(MSGREF)), e.g. "S5C".</summary>
    public string SmtpId => Header.MessageId;
    public string Sender => Header.MailFrom;

    /// <summary>Bytes of the message part (after &lt;&lt;MAIL-DATA&gt;&gt;).</summary>
    public long MessageSize => Math.Max(0, (_content?.LongLength ?? new FileInfo(FilePath).Length) - Header.DataOffset);

    /// <summary>The SMTP AUTH user recorded in the MAIL FROM line (" AUTH=user"), or "-" ($(USERAUTH)).</summary>
    public string AuthUser
    {
        get
        {
            var line = Header.MailFromLine;
            int i = line.IndexOf(" AUTH=", StringComparison.OrdinalIgnoreCase);
            if (i < 0) return "-";
            var v = line[(i + 6)..];
            int sp = v.IndexOf(' ');
            if (sp >= 0) v = v[..sp];
            return v is "" or "<>" ? "-" : v;
        }
    }

    /// <summary>"[ip]:port" of the client and of the server, from the info line ($(REMOTEADDR), $(LOCALADDR)).</summary>
    public (string Remote, string Local) Addresses
    {
        get
        {
            var parts = Header.Info.Split(';');
            return (parts.Length > 0 ? parts[0] : "", parts.Length > 1 ? parts[1] : "");
        }
    }

    /// <summary>The message (headers and body), positioned at its first byte.</summary>
    public Stream OpenMessage()
    {
        if (_content is { } c)
        {
            int start = (int)Math.Min(Header.DataOffset, c.Length);
            return new MemoryStream(c, start, c.Length - start, writable: false);
        }
        var fs = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        fs.Position = Header.DataOffset;
        return fs;
    }

    /// <summary>The "Received:" fields in the message's header (the MaxMTAOps loop check). Allocates nothing for a
    /// message held in memory; one on disk streams through a pooled buffer.</summary>
    public int CountReceivedFields()
    {
        if (_content is { } c)
            return ReceivedHopCounter.CountIn(c.AsSpan((int)Math.Min(Header.DataOffset, c.Length)));
        var counter = new ReceivedHopCounter();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var s = OpenMessage();
            int n;
            while ((n = s.Read(buffer, 0, buffer.Length)) > 0 && counter.Feed(buffer.AsSpan(0, n))) { }
            return counter.Count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Re-reads the header after an external filter rewrote the file (exit code 7).</summary>
    public bool Reload()
    {
        _content = null; // the file changed on disk: read it from there from now on
        var h = SpoolHeader.ReadFile(FilePath);
        if (h is null) return false;
        Header = h;
        return true;
    }

    /// <summary>The header fields of the message (up to the blank line), CRLF-joined, at most <paramref name="maxBytes"/>.</summary>
    public string ReadMessageHeaders(int maxBytes = 256 * 1024)
    {
        using var s = OpenMessage();
        var reader = new StreamReader(s, System.Text.Encoding.Latin1);
        var sb = new System.Text.StringBuilder();
        while (reader.ReadLine() is { } line && line.Length > 0 && sb.Length < maxBytes) sb.Append(line).Append("\r\n");
        return sb.ToString();
    }
}
