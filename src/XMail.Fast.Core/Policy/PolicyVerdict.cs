namespace XMail.Fast.Core.Policy;

/// <summary>A policy answer: null reply = go on; otherwise the reply line, and whether to close the session after it.</summary>
public readonly record struct PolicyVerdict(string? Reply, bool Drop = false)
{
    public static readonly PolicyVerdict Pass = new(null);
    public bool Passed => Reply is null;
    public static PolicyVerdict Reject(string reply) => new(reply);
    public static PolicyVerdict Disconnect(string reply) => new(reply, true);
}
