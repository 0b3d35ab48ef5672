using System.Security.Cryptography;
using System.Text;
using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>useradd userdel userpasswd userauth userstat uservars uservarsset userlist mluseradd mluserdel mluserlist.</summary>
internal static class CtrlUserCommands
{
    private const string DefaultMlPerms = "RW";

    public static async ValueTask<bool> UserAdd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        char type = t[4].Length > 0 && t[4][0] is 'M' or 'm' ? 'M' : 'U'; // XMail: 'M' is a list, anything else a user
        return await Reply(s, a.AddUser(t[1], t[2], t[3], type));
    }

    public static async ValueTask<bool> UserDel(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        return await Reply(s, a.DeleteUser(t[1], t[2]));
    }

    public static async ValueTask<bool> UserPasswd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        if (a.FindUser(t[1], t[2]) is null) return await Reply(s, ErrorCode.RecordNotFound);
        return await Reply(s, a.SetPassword(t[1], t[2], t[3]));
    }

    public static async ValueTask<bool> UserAuth(CtrlSession s, string[] t)
    {
        var user = s.Services.Accounts.FindUser(t[1], t[2]);
        if (user is null) return await Reply(s, ErrorCode.RecordNotFound);
        bool ok = CryptographicOperations.FixedTimeEquals(Encoding.Latin1.GetBytes(user.Password), Encoding.Latin1.GetBytes(t[3]));
        return await Reply(s, ok ? ErrorCode.Success : ErrorCode.InvalidPassword);
    }

    /// <summary>userstat: the account or the alias given, its mailbox totals and last POP3 login.</summary>
    public static async ValueTask<bool> UserStat(CtrlSession s, string[] t)
    {
        var user = FindUserOrAlias(s.Services.Accounts, t[1], t[2]);
        if (user is null) return await Reply(s, ErrorCode.RecordNotFound);
        var dir = s.Services.Accounts.UserDirectory(user);
        var (bytes, count) = MailboxStats.Compute(dir);
        var login = LastLogin.Read(dir);
        // XMail 1.27 sends the time before the IP (the spec lists them the other way round). No login yet: 0.0.0.0, now.
        var when = login?.Time ?? s.Context.Time.GetUtcNow();
        await s.SendListAsync(
        [
            TabParser.Format(["RealAddress", user.Address]),
            TabParser.Format(["MailboxSize", bytes.ToString()]),
            TabParser.Format(["MailboxMessages", count.ToString()]),
            TabParser.Format(["LastLoginTimeDate", CtrlDates.Rfc2822(when)]),
            TabParser.Format(["LastLoginIP", login?.Address.ToString() ?? "0.0.0.0"]),
        ]);
        return true;
    }

    public static async ValueTask<bool> UserVars(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        var user = a.FindUser(t[1], t[2]);
        if (user is null) return await Reply(s, ErrorCode.RecordNotFound);
        await s.SendListAsync(a.GetUserVars(user).All.Select(kv => TabParser.Format([kv.Key, kv.Value])));
        return true;
    }

    public static async ValueTask<bool> UserVarsSet(CtrlSession s, string[] t)
    {
        var pairs = new List<(string, string)>();
        for (int i = 3; i + 1 < t.Length; i += 2) pairs.Add((t[i], t[i + 1])); // ".|rm" deletes (AccountStore)
        return await Reply(s, s.Services.Accounts.SetUserVars(t[1], t[2], pairs));
    }

    public static async ValueTask<bool> UserList(CtrlSession s, string[] t)
    {
        string? domain = t.Length > 1 ? t[1] : null, name = t.Length > 2 ? t[2] : null;
        var lines = s.Services.Accounts.Users.Users
            .Where(u => (domain is null || Wildcard.IsMatch(domain, u.Domain)) && (name is null || Wildcard.IsMatch(name, u.Name)))
            .Select(u => TabParser.Format([u.Domain, u.Name, u.Password, u.Type.ToString()]));
        await s.SendListAsync(lines);
        return true;
    }

    public static async ValueTask<bool> MlUserAdd(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        if (!EmailAddress.IsValid(t[3])) return await Reply(s, ErrorCode.BadEmailAddr);
        var list = a.FindUser(t[1], t[2]);
        if (list is null) return await Reply(s, ErrorCode.RecordNotFound);
        if (!list.IsMailingList) return await Reply(s, ErrorCode.UserNotMailinglist);
        return await Reply(s, a.AddMailingListMember(t[1], t[2], t[3], t.Length > 4 ? t[4] : DefaultMlPerms));
    }

    public static async ValueTask<bool> MlUserDel(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        var list = a.FindUser(t[1], t[2]);
        if (list is null) return await Reply(s, ErrorCode.RecordNotFound);
        if (!list.IsMailingList) return await Reply(s, ErrorCode.UserNotMailinglist);
        return await Reply(s, a.DeleteMailingListMember(t[1], t[2], t[3]));
    }

    public static async ValueTask<bool> MlUserList(CtrlSession s, string[] t)
    {
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        var list = a.FindUser(t[1], t[2]);
        if (list is null) return await Reply(s, ErrorCode.RecordNotFound);
        if (!list.IsMailingList) return await Reply(s, ErrorCode.UserNotMailinglist);
        await s.SendListAsync(a.GetMailingListMembers(list).Select(m => TabParser.Format([m.Address, m.Perms])));
        return true;
    }

    /// <summary>The account, else the account an alias of the domain points to (a bare name or a full address).</summary>
    internal static UserRecord? FindUserOrAlias(AccountStore a, string domain, string name)
    {
        if (a.FindUser(domain, name) is { } user) return user;
        if (a.Aliases.Find(domain, name) is not { } alias) return null;
        return EmailAddress.TrySplit(alias.Account, out string u, out string d) ? a.FindUser(d, u) : a.FindUser(domain, alias.Account);
    }

    internal static async ValueTask<bool> Reply(CtrlSession s, ErrorCode code)
    {
        await s.ReplyAsync(code).ConfigureAwait(false);
        return true;
    }
}
