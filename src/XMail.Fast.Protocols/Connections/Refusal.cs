namespace XMail.Fast.Protocols.Connections;

/// <summary>An admission step said no: the line to send before closing, or none (close without a word).</summary>
internal sealed record Refusal(string? Reply)
{
    public static readonly Refusal Silent = new((string?)null);
}
