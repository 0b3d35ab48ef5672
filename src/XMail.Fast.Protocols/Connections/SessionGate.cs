namespace XMail.Fast.Protocols.Connections;

/// <summary>Counts live sessions of one service against its -XX limit ("threads" in XMail 1.27).</summary>
public sealed class SessionGate
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes a slot; false when the service is full (the caller answers "busy" and closes).</summary>
    public bool TryEnter(int max)
    {
        if (Interlocked.Increment(ref _active) <= max) return true;
        Interlocked.Decrement(ref _active);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _active);
}
