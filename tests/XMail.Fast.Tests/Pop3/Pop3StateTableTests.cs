using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Pop3;

namespace XMail.Fast.Tests.Pop3;

/// <summary>"POP3 COMMANDS": which verb each state accepts (XMail 1.27's "-ERR Command not valid here" otherwise).</summary>
public sealed class Pop3StateTableTests
{
    [Theory]
    [InlineData(Pop3State.Authorization, "User Apop Stls Capa Quit")]
    [InlineData(Pop3State.UserGiven, "Pass Capa Quit")]
    [InlineData(Pop3State.Transaction, "Capa Stat List Uidl Quit Retr Top Dele Noop Last Rset")]
    public void Each_state_accepts_exactly_its_verbs(Pop3State state, string verbs)
    {
        var accepted = Enum.GetValues<Pop3Verb>().Where(v => Pop3StateTable.IsAllowed(state, v)).Select(v => v.ToString());
        Assert.Equal(verbs.Split(' ').Order(), accepted.Order());
    }

    [Fact]
    public void Successful_logins_lead_to_transaction()
    {
        Assert.Equal(Pop3State.UserGiven, Pop3StateTable.After(Pop3State.Authorization, Pop3Verb.User));
        Assert.Equal(Pop3State.Transaction, Pop3StateTable.After(Pop3State.UserGiven, Pop3Verb.Pass));
        Assert.Equal(Pop3State.Transaction, Pop3StateTable.After(Pop3State.Authorization, Pop3Verb.Apop));
        Assert.Equal(Pop3State.Transaction, Pop3StateTable.After(Pop3State.Transaction, Pop3Verb.Dele));
    }

    [Fact]
    public void Only_STLS_has_a_guard()
    {
        Assert.Equal(CommandGuard.TlsUpgrade, Pop3StateTable.GuardOf(Pop3Verb.Stls));
        Assert.All(Enum.GetValues<Pop3Verb>().Where(v => v != Pop3Verb.Stls), v => Assert.Equal(CommandGuard.None, Pop3StateTable.GuardOf(v)));
    }
}
