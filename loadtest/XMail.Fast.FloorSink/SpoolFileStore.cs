using System.Globalization;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.FloorSink;

/// <summary>
/// XMail's spool discipline without its format: one file per message in temp/, handed to XMail.Fast's
/// <see cref="SpoolCommitter"/>, which renames it into mess/ and completes once data and name are durable.
/// </summary>
internal sealed class SpoolFileStore : IMessageStore
{
    private readonly string _temp, _mess;
    private readonly SpoolCommitter _committer;
    private long _next;

    public SpoolFileStore(string folder)
    {
        _temp = Directory.CreateDirectory(Path.Combine(folder, "temp")).FullName;
        _mess = Directory.CreateDirectory(Path.Combine(folder, "mess")).FullName;
        _committer = new SpoolCommitter(folder);
    }

    public IStoredMessage Begin() => new Message(this, Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture));

    public void Dispose() => _committer.Dispose();

    private sealed class Message(SpoolFileStore store, string name) : IStoredMessage
    {
        private readonly FileStream _file = new(Path.Combine(store._temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);

        public void Write(ReadOnlySpan<byte> bytes) => _file.Write(bytes);

        public Task CommitAsync()
        {
            _file.Dispose();
            return store._committer.CommitAsync(Path.Combine(store._temp, name), Path.Combine(store._mess, name));
        }

        public void Dispose() => _file.Dispose();
    }
}
