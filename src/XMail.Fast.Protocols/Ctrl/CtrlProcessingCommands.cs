using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>usergetmproc usersetmproc custdomget custdomset custdomlist: the message processing files.</summary>
internal static class CtrlProcessingCommands
{
    /// <summary>usergetmproc D U [flags]: "U" user file, "D" domain file, both (default "DU") merged domain first.</summary>
    public static async ValueTask<bool> UserGetMproc(CtrlSession s, string[] t)
    {
        string flags = t.Length > 3 ? t[3] : "DU";
        bool domain = flags.Contains('D', StringComparison.OrdinalIgnoreCase), user = flags.Contains('U', StringComparison.OrdinalIgnoreCase);
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        var account = a.FindUser(t[1], t[2]);
        if (account is null) return await Reply(s, ErrorCode.RecordNotFound);
        var files = s.Services.Mailproc.Existing(account, domain, user);
        if (files.Count == 0) return await Reply(s, ErrorCode.NoMailprocFile);
        await s.SendFilesAsync(files);
        return true;
    }

    /// <summary>usersetmproc D U [which]: "U" (default) the user file, "D" the domain file; an empty upload deletes it.</summary>
    public static async ValueTask<bool> UserSetMproc(CtrlSession s, string[] t)
    {
        bool domainFile = t.Length > 3 && t[3].Length > 0 && t[3][0] is 'D' or 'd';
        var a = s.Services.Accounts;
        if (!a.IsLocalDomain(t[1])) return await Reply(s, ErrorCode.DomainNotHandled);
        var account = a.FindUser(t[1], t[2]);
        if (account is null) return await Reply(s, ErrorCode.RecordNotFound);
        var (content, error) = await s.ReceiveUploadAsync();
        if (content is null) return error != ErrorCode.Success && await Reply(s, error);
        s.Services.Mailproc.Set(account, domainFile, content);
        s.Log.LogInformation("CTRL [{Ip}] {Which} mailproc.tab of {User} {Action}", s.PeerIp, domainFile ? "domain" : "user", account.Address, content.Length == 0 ? "deleted" : "set");
        return await Reply(s, ErrorCode.Success);
    }

    public static async ValueTask<bool> CustDomGet(CtrlSession s, string[] t)
    {
        var path = s.Services.CustomDomains.PathOf(t[1]);
        if (path is null || !File.Exists(path)) return await Reply(s, ErrorCode.NotACustomDomain);
        await s.SendFilesAsync([path]);
        return true;
    }

    public static async ValueTask<bool> CustDomSet(CtrlSession s, string[] t)
    {
        if (!IsCustomDomainName(t[1])) return await Reply(s, ErrorCode.InvalidMailDomain);
        var (content, error) = await s.ReceiveUploadAsync();
        if (content is null) return error != ErrorCode.Success && await Reply(s, error);
        if (!s.Services.CustomDomains.Set(t[1], content)) return await Reply(s, ErrorCode.InvalidMailDomain);
        s.Log.LogInformation("CTRL [{Ip}] custom domain {Domain} {Action}", s.PeerIp, t[1], content.Length == 0 ? "deleted" : "set");
        return await Reply(s, ErrorCode.Success);
    }

    public static async ValueTask<bool> CustDomList(CtrlSession s, string[] t)
    {
        await s.SendListAsync(s.Services.CustomDomains.List().Select(d => TabParser.Format([d])));
        return true;
    }

    // A domain, or a ".suffix" used for the sub-domain lookups of "CUSTOM DOMAIN MAIL PROCESSING".
    private static bool IsCustomDomainName(string d) =>
        d.Length is > 0 and <= 253 && !d.Contains("..", StringComparison.Ordinal) && !d.EndsWith('.') &&
        d.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
