namespace XMail.Fast.Protocols.Smtp.Sasl;

/// <summary>PLAIN (RFC 4616): one message "[authzid] NUL authcid NUL passwd", which XMail 1.27 wants on the AUTH line.</summary>
public sealed class SaslPlain : SaslMechanism
{
    public static readonly SaslPlain Instance = new();

    public override string Name => "PLAIN";

    public override SaslStep Next(string? initial, IReadOnlyList<string> responses, string challenge)
    {
        // XMail 1.27 answers AUTH PLAIN without its argument with 501 instead of an empty challenge.
        if (initial is null) return SaslStep.Malformed;
        var fields = Decode(initial)?.Split('\0');
        if (fields is not { Length: 3 } || fields[1].Length == 0) return SaslStep.Malformed;
        return SaslStep.Done(new SaslCredentials(fields[1], fields[2], null));
    }
}
