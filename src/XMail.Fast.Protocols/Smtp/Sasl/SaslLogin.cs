namespace XMail.Fast.Protocols.Smtp.Sasl;

/// <summary>LOGIN (draft-murchison-sasl-login): "Username:", then "Password:"; the user may come on the AUTH line.</summary>
public sealed class SaslLogin : SaslMechanism
{
    public static readonly SaslLogin Instance = new();

    /// <summary>base64("Username:") and base64("Password:").</summary>
    public const string UserPrompt = "VXNlcm5hbWU6";
    public const string PasswordPrompt = "UGFzc3dvcmQ6";

    public override string Name => "LOGIN";

    public override SaslStep Next(string? initial, IReadOnlyList<string> responses, string challenge)
    {
        int next = 0;
        string? userText = initial ?? (responses.Count > next ? responses[next++] : null);
        if (userText is null) return SaslStep.Ask(UserPrompt);
        var user = Decode(userText);
        if (string.IsNullOrEmpty(user)) return SaslStep.Malformed;
        if (responses.Count <= next) return SaslStep.Ask(PasswordPrompt);
        var password = Decode(responses[next]);
        return password is null ? SaslStep.Malformed : SaslStep.Done(new SaslCredentials(user, password, null));
    }
}
