using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>Runs one command; false ends the session (quit, or the peer left during an upload).</summary>
internal delegate ValueTask<bool> CtrlCommandRun(CtrlSession session, string[] tokens);

/// <summary>A command and how many tokens (the command name included) its argument forms take.</summary>
internal sealed record CtrlCommand(string Name, int MinTokens, int MaxTokens, CtrlCommandRun Run)
{
    /// <summary>An extra arity rule beyond the min/max (uservarsset takes name/value pairs).</summary>
    public Func<int, bool>? Arity { get; init; }

    public bool AcceptsTokenCount(int n) => n >= MinTokens && n <= MaxTokens && (Arity is null || Arity(n));
}

/// <summary>
/// Every command of the authenticated state ("XMAIL ADMIN PROTOCOL"), with its arities as XMail 1.27 checks them.
/// Names are case-insensitive; an unknown command or a wrong arity answers -00103 and the session goes on.
/// </summary>
internal static class CtrlCommandTable
{
    private const int Any = int.MaxValue;

    private static readonly Dictionary<string, CtrlCommand> Commands = new CtrlCommand[]
    {
        new("useradd", 5, 5, CtrlUserCommands.UserAdd),
        new("userdel", 3, 3, CtrlUserCommands.UserDel),
        new("userpasswd", 4, 4, CtrlUserCommands.UserPasswd),
        new("userauth", 4, 4, CtrlUserCommands.UserAuth),
        new("userstat", 3, 3, CtrlUserCommands.UserStat),
        new("uservars", 3, 3, CtrlUserCommands.UserVars),
        new("uservarsset", 5, Any, CtrlUserCommands.UserVarsSet) { Arity = n => (n - 3) % 2 == 0 },
        new("userlist", 1, 3, CtrlUserCommands.UserList),
        new("aliasadd", 4, 4, CtrlAliasCommands.AliasAdd),
        new("aliasdel", 3, 3, CtrlAliasCommands.AliasDel),
        new("aliaslist", 1, 4, CtrlAliasCommands.AliasList),
        new("exaliasadd", 3, 3, CtrlAliasCommands.ExAliasAdd),
        new("exaliasdel", 2, 2, CtrlAliasCommands.ExAliasDel),
        new("exaliaslist", 1, 3, CtrlAliasCommands.ExAliasList),
        new("mluseradd", 4, 5, CtrlUserCommands.MlUserAdd),
        new("mluserdel", 4, 4, CtrlUserCommands.MlUserDel),
        new("mluserlist", 3, 3, CtrlUserCommands.MlUserList),
        new("usergetmproc", 3, 4, CtrlProcessingCommands.UserGetMproc),
        new("usersetmproc", 3, 4, CtrlProcessingCommands.UserSetMproc),
        new("custdomget", 2, 2, CtrlProcessingCommands.CustDomGet),
        new("custdomset", 2, 2, CtrlProcessingCommands.CustDomSet),
        new("custdomlist", 1, 1, CtrlProcessingCommands.CustDomList),
        new("domainadd", 2, 2, CtrlDomainCommands.DomainAdd),
        new("domaindel", 2, 2, CtrlDomainCommands.DomainDel),
        new("domainlist", 1, Any, CtrlDomainCommands.DomainList),
        new("aliasdomainadd", 3, 3, CtrlDomainCommands.AliasDomainAdd),
        new("aliasdomaindel", 2, 2, CtrlDomainCommands.AliasDomainDel),
        new("aliasdomainlist", 1, 3, CtrlDomainCommands.AliasDomainList),
        new("poplnkadd", 7, 7, CtrlPop3LinkCommands.Add),
        new("poplnkdel", 5, 5, CtrlPop3LinkCommands.Delete),
        new("poplnklist", 1, 3, CtrlPop3LinkCommands.List),
        new("poplnkenable", 4, 6, CtrlPop3LinkCommands.Enable),
        new("filelist", 3, 3, CtrlFileCommands.FileList),
        new("cfgfileget", 2, 2, CtrlFileCommands.CfgFileGet),
        new("cfgfileset", 2, 2, CtrlFileCommands.CfgFileSet),
        new("frozlist", 1, 1, CtrlSpoolCommands.FrozList),
        new("frozsubmit", 4, 4, CtrlSpoolCommands.FrozSubmit),
        new("frozdel", 4, 4, CtrlSpoolCommands.FrozDel),
        new("frozgetlog", 4, 4, CtrlSpoolCommands.FrozGetLog),
        new("frozgetmsg", 4, 4, CtrlSpoolCommands.FrozGetMsg),
        new("etrn", 2, Any, CtrlSpoolCommands.Etrn),
        new("dkimkeyadd", 3, 4, CtrlDkimCommands.Add),
        new("dkimkeydel", 3, 3, CtrlDkimCommands.Delete),
        new("dkimkeylist", 1, 2, CtrlDkimCommands.List),
        new("dkimkeytxt", 3, 3, CtrlDkimCommands.Txt),
        new("noop", 1, 1, static async (s, _) => { await s.OkAsync().ConfigureAwait(false); return true; }),
        new("quit", 1, 1, static async (s, _) => { await s.OkAsync().ConfigureAwait(false); return false; }),
    }.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => Commands.Keys;

    /// <summary>Parses a command line with the TAB grammar and runs it. False: the session ends.</summary>
    public static async ValueTask<bool> ExecuteAsync(CtrlSession s, string line)
    {
        if (HasControlChars(line))
        {
            s.Log.LogWarning("CTRL [{Ip}] command with control characters refused", s.PeerIp);
            await s.ReplyAsync(ErrorCode.BadCmdstrChars).ConfigureAwait(false);
            return true;
        }
        if (TabParser.Parse(line, out var tokens, out _) != TabParser.LineKind.Record || tokens!.Length == 0 ||
            !Commands.TryGetValue(tokens[0], out var command))
        {
            s.Log.LogWarning("CTRL [{Ip}] bad command line", s.PeerIp);
            await s.ReplyAsync(ErrorCode.BadCtrlCommand).ConfigureAwait(false);
            return true;
        }
        if (s.Services.LogEnabled) s.Services.FileLog.Command(s.PeerIp, s.User, tokens);
        if (!command.AcceptsTokenCount(tokens.Length))
        {
            await s.ReplyAsync(ErrorCode.BadCtrlCommand).ConfigureAwait(false);
            return true;
        }
        return await command.Run(s, tokens).ConfigureAwait(false);
    }

    // XMail's MscCmdStringCheck: a command line carries no control characters besides TAB.
    private static bool HasControlChars(string line)
    {
        foreach (char c in line)
            if (c < ' ' && c != '\t') return true;
        return false;
    }
}
