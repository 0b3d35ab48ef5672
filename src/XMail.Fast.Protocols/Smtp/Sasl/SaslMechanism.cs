using System.Text;

namespace XMail.Fast.Protocols.Smtp.Sasl;

/// <summary>
/// One SASL mechanism's side of AUTH (RFC 4954), without state or I/O: given the initial response from the AUTH line
/// and the client's answers so far, it says which challenge to send next, or that the credentials are complete, or
/// that the client's data is malformed. The session does the talking and checks the credentials.
/// </summary>
public abstract class SaslMechanism
{
    /// <summary>The built-in mechanisms, in EHLO order.</summary>
    public static readonly IReadOnlyList<SaslMechanism> Builtin = [SaslLogin.Instance, SaslPlain.Instance, SaslCramMd5.Instance];

    public abstract string Name { get; }

    /// <param name="initial">The initial response given on the AUTH line, if any.</param>
    /// <param name="responses">The client's answers to the challenges sent so far (base64, trimmed).</param>
    /// <param name="challenge">The session's challenge seed (CRAM-MD5: the greeting timestamp).</param>
    public abstract SaslStep Next(string? initial, IReadOnlyList<string> responses, string challenge);

    /// <summary>The mechanism called <paramref name="name"/> (upper case), or null.</summary>
    public static SaslMechanism? Find(string name)
    {
        foreach (var m in Builtin)
            if (m.Name == name) return m;
        return null;
    }

    /// <summary>Base64 to UTF-8 text; null when empty, cancelled ("*") or not base64.</summary>
    protected static string? Decode(string text)
    {
        if (text == "*" || text.Length == 0) return null;
        var bytes = new byte[(text.Length * 3 + 3) / 4];
        return Convert.TryFromBase64String(text, bytes, out int n) ? Encoding.UTF8.GetString(bytes, 0, n) : null;
    }
}
