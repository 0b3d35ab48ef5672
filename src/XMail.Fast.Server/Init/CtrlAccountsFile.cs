using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;
using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server.Init;

/// <summary>ctrlaccounts.tab for --init: sets one account's XMCrypt password (added, or replaced in place), owner-only.</summary>
internal static class CtrlAccountsFile
{
    /// <returns>True when the account was added, false when its password was replaced.</returns>
    public static bool SetPassword(string path, string account, string password)
    {
        var lines = File.Exists(path) ? TabFile.Read(path) : [];
        var record = TabLine.FromFields(account, XMCrypt.Encode(password));
        bool found = false;
        var result = new List<TabLine>(lines.Count + 1);
        foreach (var line in lines)
        {
            bool same = line.Fields is { Length: >= 1 } f && f[0].Equals(account, StringComparison.OrdinalIgnoreCase);
            if (same && found) continue; // CTRL uses the first record of a name: drop later ones
            result.Add(same ? record : line);
            found |= same;
        }
        if (!found) result.Add(record);
        TabFile.Write(path, result);
        PrivateFile.Restrict(path);
        return !found;
    }
}
