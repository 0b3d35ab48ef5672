using System.IO.MemoryMappedFiles;

namespace XMail.Fast.Core.Tab.Index;

/// <summary>
/// The bytes of one index: a read-only mapping of a .hidx file, or a pinned array when the index lives
/// in memory (tabindex/ not writable). Unmapping happens only in the finalizer, i.e. only once nothing
/// can reach this object any more, so a reader can never touch an unmapped page; readers that hold a
/// span into it keep its owner alive with <see cref="GC.KeepAlive"/>. The mapped length is reported as
/// memory pressure so retired snapshots (and the deleted index files they pin) are collected promptly.
/// </summary>
public sealed unsafe class IndexMemory
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte[]? _array;
    private readonly long _pressure;

    private IndexMemory(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
        Pointer = (byte*)view.SafeMemoryMappedViewHandle.DangerousGetHandle() + view.PointerOffset;
        _pressure = length;
        GC.AddMemoryPressure(_pressure);
    }

    private IndexMemory(byte[] pinned)
    {
        _array = pinned;
        Length = pinned.Length;
        Pointer = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(pinned));
    }

    ~IndexMemory()
    {
        _view?.Dispose();
        _file?.Dispose();
        if (_pressure > 0) GC.RemoveMemoryPressure(_pressure);
    }

    public byte* Pointer { get; }
    public long Length { get; }
    public bool IsMapped => _view is not null;

    /// <summary>Maps the whole of an open, non-empty file read-only. The stream is owned by the mapping afterwards.</summary>
    public static IndexMemory Map(FileStream stream)
    {
        long length = stream.Length;
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new IndexMemory(file, view, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Copies bytes into a pinned array (never moved by the GC, so the pointer stays valid).</summary>
    public static IndexMemory Copy(ReadOnlySpan<byte> bytes)
    {
        var pinned = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(pinned);
        return new IndexMemory(pinned);
    }

    public ReadOnlySpan<byte> Span(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        return new ReadOnlySpan<byte>(Pointer + offset, length);
    }
}
