using XMail.Fast.Core;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// XMail.Fast's DKIM key commands (names XMail 1.27 does not have): dkimkeyadd domain selector [rsa|ed25519],
/// dkimkeydel domain selector, dkimkeylist [domain], dkimkeytxt domain selector. Adding and txt answer with the
/// record to publish: "selector._domainkey.domain" "v=DKIM1; k=...; p=...".
/// </summary>
internal static class CtrlDkimCommands
{
    public static async ValueTask<bool> Add(CtrlSession s, string[] t)
    {
        if (s.Services.DkimKeys is not { } keys) return await Reply(s, ErrorCode.BadCtrlCommand);
        var (result, key) = keys.Add(t[1], t[2], t.Length > 3 ? t[3] : "rsa");
        if (result != DkimKeyAdminResult.Ok) return await Reply(s, CodeFor(result));
        await s.SendListAsync([TabParser.Format([key!.TxtName, key.TxtRecord])]);
        return true;
    }

    public static async ValueTask<bool> Delete(CtrlSession s, string[] t)
    {
        if (s.Services.DkimKeys is not { } keys) return await Reply(s, ErrorCode.BadCtrlCommand);
        var result = keys.Delete(t[1], t[2]);
        if (result != DkimKeyAdminResult.Ok) return await Reply(s, CodeFor(result));
        await s.OkAsync();
        return true;
    }

    public static async ValueTask<bool> List(CtrlSession s, string[] t)
    {
        if (s.Services.DkimKeys is not { } keys) return await Reply(s, ErrorCode.BadCtrlCommand);
        await s.SendListAsync(keys.List(t.Length > 1 ? t[1] : null).Select(k => TabParser.Format([k.Domain, k.Selector, k.Type])));
        return true;
    }

    public static async ValueTask<bool> Txt(CtrlSession s, string[] t)
    {
        if (s.Services.DkimKeys is not { } keys) return await Reply(s, ErrorCode.BadCtrlCommand);
        var (result, key) = keys.Get(t[1], t[2]);
        if (result != DkimKeyAdminResult.Ok) return await Reply(s, CodeFor(result));
        await s.SendListAsync([TabParser.Format([key!.TxtName, key.TxtRecord])]);
        return true;
    }

    private static ErrorCode CodeFor(DkimKeyAdminResult r) => r switch
    {
        DkimKeyAdminResult.BadName => ErrorCode.InvalidMailDomain,
        DkimKeyAdminResult.BadType => ErrorCode.BadCtrlCommand,
        DkimKeyAdminResult.Exists => ErrorCode.FileCreate,
        DkimKeyAdminResult.NotFound => ErrorCode.FileOpen,
        _ => ErrorCode.FileCreate,
    };
}
