using XMail.Fast.Core.Spool;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>Feeds a DATA body into a spool draft.</summary>
internal sealed class SpoolDraftSink(SpoolDraft draft) : IDataSink
{
    public void Write(ReadOnlySpan<byte> bytes) => draft.Write(bytes);
}
