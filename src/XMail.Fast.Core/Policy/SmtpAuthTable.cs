using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>smtpauth.tab: "username" "password" "permissions" (clear-text password, as in XMail 1.27).</summary>
public sealed class SmtpAuthTable
{
    private readonly Dictionary<string, (string Password, SmtpPermissions Perms)> _users;

    private SmtpAuthTable(Dictionary<string, (string, SmtpPermissions)> users) => _users = users;

    public static SmtpAuthTable Load(string path, ILogger? log = null)
    {
        var d = new Dictionary<string, (string, SmtpPermissions)>(StringComparer.Ordinal);
        foreach (var line in TabFile.Records(path, 3, log))
        {
            var f = line.Fields!;
            d[f[0]] = (f[1], SmtpPermissionText.Parse(f[2]));
        }
        return new SmtpAuthTable(d);
    }

    public bool TryGet(string user, out string password, out SmtpPermissions perms)
    {
        if (_users.TryGetValue(user, out var e))
        {
            (password, perms) = e;
            return true;
        }
        password = "";
        perms = SmtpPermissions.None;
        return false;
    }
}
