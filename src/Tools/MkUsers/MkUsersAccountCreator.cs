using System.Globalization;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.MkUsers;

/// <summary>
/// Creates domains/DOMAIN/USER with user.tab and mailbox/ or Maildir/{tmp,new,cur}. Anything already
/// there is left alone, so a user list can be re-run against an existing tree.
/// </summary>
public sealed class MkUsersAccountCreator(string domainsDir, long maxMBSize, bool maildir)
{
    public void Create(MkUsersEntry entry)
    {
        var userDir = Path.Combine(domainsDir, entry.Domain, entry.User);
        Directory.CreateDirectory(userDir);
        if (maildir)
        {
            foreach (var sub in (ReadOnlySpan<string>)["tmp", "new", "cur"])
                Directory.CreateDirectory(Path.Combine(userDir, "Maildir", sub));
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(userDir, "mailbox"));
        }
        var userTab = Path.Combine(userDir, "user.tab");
        if (!File.Exists(userTab))
        {
            TabFile.Write(userTab, new[]
            {
                TabLine.FromFields("RealName", entry.RealName),
                TabLine.FromFields("HomePage", entry.HomePage),
                TabLine.FromFields("MaxMBSize", maxMBSize.ToString(CultureInfo.InvariantCulture)),
            });
        }
    }
}
