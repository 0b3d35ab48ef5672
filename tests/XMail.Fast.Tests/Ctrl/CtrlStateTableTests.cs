using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Ctrl;

namespace XMail.Fast.Tests.Ctrl;

/// <summary>"XMAIL ADMIN PROTOCOL" states: not logged in, logged in, uploading.</summary>
public sealed class CtrlStateTableTests
{
    [Theory]
    [InlineData(CtrlState.NotAuthenticated, CtrlInput.TlsInit, CtrlState.NotAuthenticated)]
    [InlineData(CtrlState.NotAuthenticated, CtrlInput.Login, CtrlState.Authenticated)]
    [InlineData(CtrlState.Authenticated, CtrlInput.Command, CtrlState.Authenticated)]
    [InlineData(CtrlState.Authenticated, CtrlInput.UploadStart, CtrlState.Uploading)]
    [InlineData(CtrlState.Uploading, CtrlInput.UploadLine, CtrlState.Uploading)]
    [InlineData(CtrlState.Uploading, CtrlInput.UploadEnd, CtrlState.Authenticated)]
    public void The_grammar_steps(CtrlState state, CtrlInput input, CtrlState next) =>
        Assert.Equal(next, CtrlStateTable.After(state, input));

    [Theory]
    [InlineData(CtrlState.NotAuthenticated, CtrlInput.Command)]   // no command before the login
    [InlineData(CtrlState.Authenticated, CtrlInput.TlsInit)]      // "#!TLS" only before the login
    [InlineData(CtrlState.Authenticated, CtrlInput.Login)]
    [InlineData(CtrlState.Uploading, CtrlInput.Command)]          // an upload runs to its "."
    public void Anything_else_is_not_in_the_grammar(CtrlState state, CtrlInput input) =>
        Assert.Null(CtrlStateTable.After(state, input));

    [Fact]
    public void The_TLS_line_carries_the_TLS_guard() =>
        Assert.Equal(CommandGuard.TlsUpgrade, CtrlStateTable.GuardOf(CtrlInput.TlsInit));
}
