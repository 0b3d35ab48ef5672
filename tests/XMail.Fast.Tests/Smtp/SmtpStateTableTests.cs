using XMail.Fast.Protocols.Connections;
using XMail.Fast.Protocols.Smtp;

namespace XMail.Fast.Tests.Smtp;

/// <summary>"SMTP COMMANDS" sequencing and the guards beside it (STARTTLS needs TLS available and not yet on; AUTH once).</summary>
public sealed class SmtpStateTableTests
{
    [Theory]
    [InlineData(SmtpState.Connected, SmtpCommand.Mail, false)]
    [InlineData(SmtpState.Connected, SmtpCommand.Auth, false)]
    [InlineData(SmtpState.Ready, SmtpCommand.Auth, true)]
    [InlineData(SmtpState.Mail, SmtpCommand.Auth, false)]
    [InlineData(SmtpState.Mail, SmtpCommand.StartTls, false)]
    [InlineData(SmtpState.Rcpt, SmtpCommand.Data, true)]
    [InlineData(SmtpState.Mail, SmtpCommand.Data, false)]
    public void Commands_are_allowed_by_state(SmtpState state, SmtpCommand command, bool allowed) =>
        Assert.Equal(allowed, SmtpStateTable.IsAllowed(state, command));

    [Fact]
    public void Starttls_starts_over_and_data_ends_the_transaction()
    {
        Assert.Equal(SmtpState.Connected, SmtpStateTable.After(SmtpState.Ready, SmtpCommand.StartTls));
        Assert.Equal(SmtpState.Ready, SmtpStateTable.After(SmtpState.Rcpt, SmtpCommand.Data));
    }

    [Fact]
    public void Guards_are_in_the_table()
    {
        Assert.Equal(CommandGuard.TlsUpgrade, SmtpStateTable.GuardOf(SmtpCommand.StartTls));
        Assert.Equal(CommandGuard.NotAuthenticated, SmtpStateTable.GuardOf(SmtpCommand.Auth));
        Assert.All(Enum.GetValues<SmtpCommand>().Where(c => c is not (SmtpCommand.StartTls or SmtpCommand.Auth)),
            c => Assert.Equal(CommandGuard.None, SmtpStateTable.GuardOf(c)));
    }
}
