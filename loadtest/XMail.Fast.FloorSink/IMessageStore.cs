namespace XMail.Fast.FloorSink;

/// <summary>Where the sink puts message bodies, and how it makes them durable before the 250.</summary>
internal interface IMessageStore : IDisposable
{
    /// <summary>Starts a message; the body is written to it as it arrives.</summary>
    IStoredMessage Begin();
}

internal interface IStoredMessage : IDisposable
{
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Completes once the whole message is durable.</summary>
    Task CommitAsync();
}
