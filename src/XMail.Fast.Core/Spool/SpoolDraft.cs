using System.Buffers;
using System.Text;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// A spool message being written (spool/L0/L1/temp/NAME). Bytes go through one pooled 64 KB buffer to the file,
/// so a message is streamed, never held whole, and a small one costs a single write. Disposing an uncommitted
/// draft deletes its file (aborted transaction, rejected message).
/// </summary>
public sealed class SpoolDraft : ISpoolTextWriter, IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly SpoolWriter _owner;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;
    private FileStream? _file;
    private bool _created;
    private bool _committed;

    internal SpoolDraft(SpoolWriter owner, SpoolRef target, string tempPath)
    {
        _owner = owner;
        Target = target;
        TempPath = tempPath;
    }

    /// <summary>Where the message will live once committed (its name and level pair).</summary>
    public SpoolRef Target { get; }
    public string TempPath { get; }

    /// <summary>Bytes written so far (header included).</summary>
    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(SpoolDraft));
        Length += bytes.Length;
        while (bytes.Length > 0)
        {
            if (_used == buffer.Length) FlushBuffer();
            int n = Math.Min(bytes.Length, buffer.Length - _used);
            bytes[..n].CopyTo(buffer.AsSpan(_used));
            _used += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Writes text as Latin-1 (TAB files and headers keep their bytes).</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        Span<byte> chunk = stackalloc byte[512];
        while (text.Length > 0)
        {
            int n = Math.Min(text.Length, chunk.Length);
            Encoding.Latin1.GetBytes(text[..n], chunk);
            Write(chunk[..n]);
            text = text[n..];
        }
    }

    /// <summary>A write-only stream over the draft, for code that copies a message with Stream APIs.</summary>
    public Stream AsStream() => new DraftStream(this);

    /// <summary>Writes what is buffered to the file and closes it, so an external filter may read or rewrite it.</summary>
    public void Close()
    {
        FlushBuffer();
        _file?.Dispose();
        _file = null;
    }

    /// <summary>Makes the message durable in mess/ (shared fsync) and returns where it is.</summary>
    public async Task<SpoolRef> CommitAsync()
    {
        Close();
        var r = await _owner.CommitAsync(Target, TempPath).ConfigureAwait(false);
        _committed = true;
        return r;
    }

    private void FlushBuffer()
    {
        if (_file is null)
        {
            // After Close() the file is only reopened for new bytes: a commit of a closed draft opens nothing.
            if (_buffer is null || (_created && _used == 0)) return;
            _file = OpenFile();
            _created = true;
        }
        if (_used > 0 && _buffer is not null)
        {
            _file.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    private FileStream OpenFile()
    {
        // Append mode: after Close() a filter may have rewritten the file; later writes go after its content.
        try
        {
            return new FileStream(TempPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
        }
        catch (IOException ex) when (FileSync.IsMissingFolder(ex))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(TempPath)!);
            return new FileStream(TempPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
        }
    }

    private sealed class DraftStream(SpoolDraft draft) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => draft.Length;
        public override long Position { get => draft.Length; set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => draft.Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => draft.Write(buffer);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    public void Dispose()
    {
        try { _file?.Dispose(); } catch { /* disk errors surface on commit, not on cleanup */ }
        _file = null;
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
        if (!_committed)
        {
            try { File.Delete(TempPath); } catch { /* best effort */ }
        }
    }
}
