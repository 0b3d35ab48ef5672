using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// The POP3 grammar in one table, as XMail 1.27 enforces it: which verbs each state accepts, the guard a verb needs
/// besides the state, and the state a successful verb leads to. A known verb outside its states is "-ERR Command not
/// valid here"; CAPA and QUIT are valid everywhere. (USER again after USER, or STLS after USER, is not.)
/// </summary>
public static class Pop3StateTable
{
    private const int Verbs = (int)Pop3Verb.Rset + 1;
    private const Pop3State Same = (Pop3State)255;

    // [state][verb] → next state on success; null = not valid here.
    private static readonly Pop3State?[,] Next = Build();

    private static Pop3State?[,] Build()
    {
        var t = new Pop3State?[3, Verbs];
        foreach (Pop3State s in Enum.GetValues<Pop3State>())
        {
            Allow(t, s, Pop3Verb.Capa, Same);
            Allow(t, s, Pop3Verb.Quit, Same);
        }
        Allow(t, Pop3State.Authorization, Pop3Verb.User, Pop3State.UserGiven);
        Allow(t, Pop3State.Authorization, Pop3Verb.Apop, Pop3State.Transaction);
        Allow(t, Pop3State.Authorization, Pop3Verb.Stls, Same);
        Allow(t, Pop3State.UserGiven, Pop3Verb.Pass, Pop3State.Transaction);
        foreach (var v in (Pop3Verb[])[Pop3Verb.Stat, Pop3Verb.List, Pop3Verb.Uidl, Pop3Verb.Retr, Pop3Verb.Top, Pop3Verb.Dele,
                     Pop3Verb.Noop, Pop3Verb.Last, Pop3Verb.Rset])
            Allow(t, Pop3State.Transaction, v, Same);
        return t;
    }

    private static void Allow(Pop3State?[,] t, Pop3State s, Pop3Verb v, Pop3State next) => t[(int)s, (int)v] = next;

    public static bool IsAllowed(Pop3State state, Pop3Verb verb) =>
        verb != Pop3Verb.Unknown && Next[(int)state, (int)verb] is not null;

    /// <summary>What <paramref name="verb"/> needs besides an allowing state (STLS: no TLS yet, enabled, a certificate).</summary>
    public static CommandGuard GuardOf(Pop3Verb verb) => verb == Pop3Verb.Stls ? CommandGuard.TlsUpgrade : CommandGuard.None;

    /// <summary>The state after <paramref name="verb"/> succeeded in <paramref name="state"/>.</summary>
    public static Pop3State After(Pop3State state, Pop3Verb verb) =>
        Next[(int)state, (int)verb] is { } n && n != Same ? n : state;
}
