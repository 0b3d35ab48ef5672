namespace XMail.Fast.Protocols.Smtp.Sasl;

public enum SaslStepKind : byte
{
    /// <summary>Send "334 " + <see cref="SaslStep.Challenge"/> and pass the client's answer to the next call.</summary>
    Challenge,
    /// <summary>The exchange is complete: check <see cref="SaslStep.Credentials"/>.</summary>
    Done,
    /// <summary>The client's data cannot be decoded (or it cancelled with "*"): 501.</summary>
    Malformed,
}

/// <summary>What a <see cref="SaslMechanism"/> wants next.</summary>
public readonly record struct SaslStep(SaslStepKind Kind, string? Challenge = null, SaslCredentials? Credentials = null)
{
    public static SaslStep Ask(string challenge) => new(SaslStepKind.Challenge, challenge);
    public static SaslStep Done(SaslCredentials credentials) => new(SaslStepKind.Done, Credentials: credentials);
    public static readonly SaslStep Malformed = new(SaslStepKind.Malformed);
}
