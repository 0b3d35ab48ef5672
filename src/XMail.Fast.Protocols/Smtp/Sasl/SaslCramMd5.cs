using System.Text;

namespace XMail.Fast.Protocols.Smtp.Sasl;

/// <summary>CRAM-MD5 (RFC 2195): the challenge is the session's greeting timestamp; the answer is "user SP hex-digest".</summary>
public sealed class SaslCramMd5 : SaslMechanism
{
    public static readonly SaslCramMd5 Instance = new();

    public override string Name => "CRAM-MD5";

    public override SaslStep Next(string? initial, IReadOnlyList<string> responses, string challenge)
    {
        // An initial response cannot answer a challenge not yet sent: it is ignored.
        if (responses.Count == 0) return SaslStep.Ask(Convert.ToBase64String(Encoding.Latin1.GetBytes(challenge)));
        var response = Decode(responses[0]);
        int sp = response?.LastIndexOf(' ') ?? -1;
        if (response is null || sp <= 0 || sp == response.Length - 1) return SaslStep.Malformed;
        return SaslStep.Done(new SaslCredentials(response[..sp], null, response[(sp + 1)..]));
    }
}
