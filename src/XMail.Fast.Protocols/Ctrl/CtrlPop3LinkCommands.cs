using System.Globalization;
using XMail.Fast.Core;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>poplnkadd poplnkdel poplnklist poplnkenable: pop3links.tab and the per-link disabled flag.</summary>
internal static class CtrlPop3LinkCommands
{
    public static async ValueTask<bool> Add(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Pop3Links.Add(t[1], t[2], t[3], t[4], t[5], t[6]));

    public static async ValueTask<bool> Delete(CtrlSession s, string[] t) =>
        await Reply(s, s.Services.Pop3Links.Delete(t[1], t[2], t[3], t[4]));

    /// <summary>
    /// poplnklist [loc-domain [loc-username]] (exact, case-insensitive): the password decoded and "ON"/"OFF" last,
    /// as XMail 1.27 writes them.
    /// </summary>
    public static async ValueTask<bool> List(CtrlSession s, string[] t)
    {
        var store = s.Services.Pop3Links;
        var lines = store.All()
            .Where(l => (t.Length < 2 || l.LocalDomain.Equals(t[1], StringComparison.OrdinalIgnoreCase)) &&
                        (t.Length < 3 || l.LocalName.Equals(t[2], StringComparison.OrdinalIgnoreCase)))
            .Select(l => TabParser.Format([l.LocalDomain, l.LocalName, l.ExtDomain, l.ExtName, XMCrypt.Decode(l.EncodedPassword), l.AuthType,
                                           store.IsEnabled(l) ? "ON" : "OFF"]))
            .ToList();
        await s.SendListAsync(lines);
        return true;
    }

    /// <summary>poplnkenable 1|0 loc-domain loc-username [extrn-domain [extrn-username]]; without the external part every link of the account.</summary>
    public static async ValueTask<bool> Enable(CtrlSession s, string[] t)
    {
        // atoi(): a leading number, anything else is 0.
        var digits = t[1].AsSpan().TrimStart();
        int len = digits.IndexOfAnyExceptInRange('0', '9');
        bool enable = int.TryParse(len < 0 ? digits : digits[..len], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n != 0;
        return await Reply(s, s.Services.Pop3Links.SetEnabled(enable, t[2], t[3], t.Length > 4 ? t[4] : null, t.Length > 5 ? t[5] : null));
    }
}
