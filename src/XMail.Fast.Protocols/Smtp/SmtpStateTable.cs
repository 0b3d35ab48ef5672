using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// The whole session grammar in one table: which commands each state accepts, the guard a command needs besides the
/// state, and what a successful command leads to. Anything else is "503 Bad sequence of commands". As in XMail 1.27,
/// HELO/EHLO are accepted only outside a transaction and MAIL only after HELO/EHLO.
/// </summary>
public static class SmtpStateTable
{
    private const SmtpState Same = (SmtpState)255;

    // [state][command] → next state on success; null = not allowed.
    private static readonly SmtpState?[,] Next = Build();

    // [command] → its guard, checked after the state allowed the command.
    private static readonly CommandGuard[] Guards = BuildGuards();

    private static SmtpState?[,] Build()
    {
        var t = new SmtpState?[4, 14];
        foreach (SmtpState s in Enum.GetValues<SmtpState>())
        {
            Allow(t, s, SmtpCommand.Rset, SmtpState.Ready);
            Allow(t, s, SmtpCommand.Noop, Same);
            Allow(t, s, SmtpCommand.Help, Same);
            Allow(t, s, SmtpCommand.Quit, Same);
            Allow(t, s, SmtpCommand.Vrfy, Same);
            Allow(t, s, SmtpCommand.Etrn, Same);
        }
        // RSET before HELO keeps the session un-greeted.
        Allow(t, SmtpState.Connected, SmtpCommand.Rset, SmtpState.Connected);
        foreach (var s in new[] { SmtpState.Connected, SmtpState.Ready })
        {
            Allow(t, s, SmtpCommand.Helo, SmtpState.Ready);
            Allow(t, s, SmtpCommand.Ehlo, SmtpState.Ready);
            // RFC 3207 §4.2: after TLS the session starts over.
            Allow(t, s, SmtpCommand.StartTls, SmtpState.Connected);
        }
        Allow(t, SmtpState.Ready, SmtpCommand.Auth, SmtpState.Ready);
        Allow(t, SmtpState.Ready, SmtpCommand.Mail, SmtpState.Mail);
        Allow(t, SmtpState.Mail, SmtpCommand.Rcpt, SmtpState.Rcpt);
        Allow(t, SmtpState.Rcpt, SmtpCommand.Rcpt, SmtpState.Rcpt);
        Allow(t, SmtpState.Rcpt, SmtpCommand.Data, SmtpState.Ready);
        return t;
    }

    private static CommandGuard[] BuildGuards()
    {
        var g = new CommandGuard[14];
        g[(int)SmtpCommand.StartTls] = CommandGuard.TlsUpgrade;
        g[(int)SmtpCommand.Auth] = CommandGuard.NotAuthenticated;
        return g;
    }

    private static void Allow(SmtpState?[,] t, SmtpState s, SmtpCommand c, SmtpState next) => t[(int)s, (int)c] = next;

    public static bool IsAllowed(SmtpState state, SmtpCommand command) =>
        command != SmtpCommand.Unknown && Next[(int)state, (int)command] is not null;

    /// <summary>What <paramref name="command"/> needs besides an allowing state.</summary>
    public static CommandGuard GuardOf(SmtpCommand command) => Guards[(int)command];

    /// <summary>The state after <paramref name="command"/> succeeded in <paramref name="state"/>.</summary>
    public static SmtpState After(SmtpState state, SmtpCommand command) =>
        Next[(int)state, (int)command] is { } n && n != Same ? n : state;
}
