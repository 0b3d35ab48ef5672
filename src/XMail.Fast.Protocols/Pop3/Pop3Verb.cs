namespace XMail.Fast.Protocols.Pop3;

/// <summary>The commands of "POP3 COMMANDS" (XMail 1.27 understands exactly these).</summary>
public enum Pop3Verb
{
    Unknown,
    User,
    Pass,
    Apop,
    Capa,
    Stls,
    Stat,
    List,
    Uidl,
    Quit,
    Retr,
    Top,
    Dele,
    Noop,
    Last,
    Rset,
}
