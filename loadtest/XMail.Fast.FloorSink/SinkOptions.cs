namespace XMail.Fast.FloorSink;

/// <summary>What the sink does with a message: nothing (null store) or make it durable in the store.</summary>
internal sealed record SinkOptions(IMessageStore? Store);
