using System.Text;
using XMail.Fast.Protocols.Smtp.Sasl;

namespace XMail.Fast.Tests.Smtp;

/// <summary>The SASL decoders of AUTH (RFC 4954) without a socket: challenges, credentials, malformed data.</summary>
public sealed class SaslMechanismTests
{
    private const string Seed = "<1700000000.42@xmailserver.test>";

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    /// <summary>Drives a mechanism like the session does: answers each challenge from the script.</summary>
    private static (SaslStep Last, List<string> Challenges) Run(SaslMechanism m, string? initial, params string[] answers)
    {
        var responses = new List<string>();
        var challenges = new List<string>();
        while (true)
        {
            var step = m.Next(initial, responses, Seed);
            if (step.Kind != SaslStepKind.Challenge || responses.Count == answers.Length) return (step, challenges);
            challenges.Add(step.Challenge!);
            responses.Add(answers[responses.Count]);
        }
    }

    [Fact]
    public void Builtin_mechanisms_in_EHLO_order()
    {
        Assert.Equal(["LOGIN", "PLAIN", "CRAM-MD5"], SaslMechanism.Builtin.Select(m => m.Name));
        Assert.Same(SaslPlain.Instance, SaslMechanism.Find("PLAIN"));
        Assert.Null(SaslMechanism.Find("plain")); // the session upper-cases first
        Assert.Null(SaslMechanism.Find("GSSAPI"));
    }

    [Fact]
    public void Plain_takes_its_credentials_from_the_AUTH_line()
    {
        var step = SaslPlain.Instance.Next(B64("\0user@dom\0pa ss"), [], Seed);
        Assert.Equal(SaslStepKind.Done, step.Kind);
        Assert.Equal(new SaslCredentials("user@dom", "pa ss", null), step.Credentials);
        Assert.Equal("authz", SaslPlain.Instance.Next(B64("authz\0authz\0pw"), [], Seed).Credentials!.User);
    }

    [Theory]
    [InlineData(null)]              // XMail 1.27: no argument is 501, not an empty challenge
    [InlineData("*")]
    [InlineData("not base64!")]
    public void Plain_without_a_decodable_argument_is_malformed(string? initial) =>
        Assert.Equal(SaslStepKind.Malformed, SaslPlain.Instance.Next(initial, [], Seed).Kind);

    [Theory]
    [InlineData("user\0pw")]        // two fields
    [InlineData("a\0\0pw")]         // empty authentication id
    [InlineData("a\0b\0c\0d")]      // four fields
    public void Plain_needs_exactly_three_fields_and_a_user(string message) =>
        Assert.Equal(SaslStepKind.Malformed, SaslPlain.Instance.Next(B64(message), [], Seed).Kind);

    [Fact]
    public void Login_asks_for_user_then_password()
    {
        var (last, challenges) = Run(SaslLogin.Instance, null, B64("bob"), B64("secret"));
        Assert.Equal(["VXNlcm5hbWU6", "UGFzc3dvcmQ6"], challenges); // "Username:", "Password:"
        Assert.Equal(new SaslCredentials("bob", "secret", null), last.Credentials);
    }

    [Fact]
    public void Login_with_the_user_on_the_AUTH_line_asks_only_for_the_password()
    {
        var (last, challenges) = Run(SaslLogin.Instance, B64("bob"), B64("secret"));
        Assert.Equal([SaslLogin.PasswordPrompt], challenges);
        Assert.Equal(new SaslCredentials("bob", "secret", null), last.Credentials);
    }

    [Fact]
    public void Login_refuses_an_empty_or_cancelled_answer()
    {
        Assert.Equal(SaslStepKind.Malformed, Run(SaslLogin.Instance, null, "").Last.Kind);
        Assert.Equal(SaslStepKind.Malformed, Run(SaslLogin.Instance, null, B64("bob"), "*").Last.Kind);
        Assert.Equal(SaslStepKind.Malformed, Run(SaslLogin.Instance, B64(""), "x").Last.Kind);
    }

    [Fact]
    public void Cram_md5_challenges_with_the_greeting_timestamp_and_splits_user_and_digest()
    {
        var (last, challenges) = Run(SaslCramMd5.Instance, null, B64("my user 0123456789abcdef0123456789abcdef"));
        Assert.Equal(Seed, Encoding.Latin1.GetString(Convert.FromBase64String(Assert.Single(challenges))));
        Assert.Equal(new SaslCredentials("my user", null, "0123456789abcdef0123456789abcdef"), last.Credentials);
    }

    [Theory]
    [InlineData("nodigest")]
    [InlineData(" leadingspace")]
    [InlineData("user ")]
    public void Cram_md5_needs_user_space_digest(string answer) =>
        Assert.Equal(SaslStepKind.Malformed, Run(SaslCramMd5.Instance, null, B64(answer)).Last.Kind);
}
