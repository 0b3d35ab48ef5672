namespace XMail.Fast.Core.Config;

/// <summary>
/// The MailRoot folder and the names of everything in it ("MailRoot structure" of the spec).
/// Every path built from peer input goes through <see cref="IsSafeName"/> first.
/// </summary>
public sealed class MailRoot
{
    public const int DefaultSplitLevel = 23;

    public MailRoot(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string ServerTab => File("server.tab");
    public string DomainsTab => File("domains.tab");
    public string MailUsersTab => File("mailusers.tab");
    public string AliasesTab => File("aliases.tab");
    public string AliasDomainTab => File("aliasdomain.tab");
    public string ExtAliasesTab => File("extaliases.tab");
    public string CtrlAccountsTab => File("ctrlaccounts.tab");
    public string UserDefTab => File("userdef.tab");
    public string Pop3LinksTab => File("pop3links.tab");
    public string MessageIdFile => File("message.id");

    public string DomainsDir => File("domains");
    public string TabIndexDir => File("tabindex");
    public string CustDomainsDir => File("custdomains");
    public string CmdAliasesDir => File("cmdaliases");
    public string SpoolDir => File("spool");
    public string LogsDir => File("logs");
    public string FiltersDir => File("filters");
    public string Pop3LocksDir => File("pop3locks");
    public string Pop3LinkLocksDir => File("pop3linklocks");
    public string Pop3LinksDir => File("pop3links");
    public string MsgSyncDir => File("msgsync");
    public string UserAuthDir => File("userauth");
    public string DnsCacheDir => File("dnscache");

    public string DomainDir(string domain) => System.IO.Path.Combine(DomainsDir, domain.ToLowerInvariant());

    public string UserDir(string domain, string accountDir) => System.IO.Path.Combine(DomainDir(domain), accountDir);

    /// <summary>Folders the spec lists; created at start when missing (unzippers drop empty folders).</summary>
    public static readonly string[] RequiredFolders =
    [
        "bin", "cmdaliases", "tabindex", "dnscache", "dnscache/mx", "dnscache/ns", "custdomains", "filters",
        "logs", "pop3locks", "pop3linklocks", "pop3links", "spool", "spool/local", "spool/temp", "userauth",
        "userauth/pop3", "userauth/smtp", "domains", "msgsync",
    ];

    /// <summary>Tables the server reads; created empty when missing so a sparse MailRoot still starts.</summary>
    public static readonly string[] RequiredTables =
    [
        "aliases.tab", "aliasdomain.tab", "domains.tab", "extaliases.tab", "mailusers.tab", "pop3links.tab",
        "server.tab", "smtpgw.tab", "smtpfwd.tab", "smtprelay.tab", "smtpauth.tab", "smtpextauth.tab", "userdef.tab",
        "ctrlaccounts.tab", "spammers.tab", "spam-address.tab", "pop3.ipmap.tab", "smtp.ipmap.tab", "ctrl.ipmap.tab",
        "finger.ipmap.tab", "filters.in.tab", "filters.out.tab", "filters.post-rcpt.tab", "filters.pre-data.tab",
        "filters.post-data.tab", "smtp.ipprop.tab",
    ];

    /// <summary>Creates the missing folders and tables (never touches existing ones), then one cmdaliases folder per domain.</summary>
    public void EnsureLayout()
    {
        Directory.CreateDirectory(Path);
        foreach (var dir in RequiredFolders) Directory.CreateDirectory(File(dir));
        foreach (var tab in RequiredTables)
        {
            var p = File(tab);
            if (!System.IO.File.Exists(p)) System.IO.File.WriteAllBytes(p, []);
        }
        if (!System.IO.File.Exists(MessageIdFile)) System.IO.File.WriteAllText(MessageIdFile, "1\n");
    }

    /// <summary>
    /// A user, domain or file name that is safe to use as one path component: not empty, no separators,
    /// no "." or "..", no control characters. Everything from SMTP, POP3 and CTRL is checked with it.
    /// </summary>
    public static bool IsSafeName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 255) return false;
        if (name is "." or "..") return false;
        foreach (char c in name)
        {
            if (c == '/' || c == '\\' || c < ' ' || c == 0x7F) return false;
        }
        return !name.StartsWith("..");
    }

    /// <summary>
    /// Resolves a MailRoot-relative path from a peer (CTRL cfgfileget/filelist) and refuses anything that
    /// leaves MailRoot ("../", absolute paths, NUL). XMail 1.27 accepted "../"; we do not.
    /// </summary>
    public bool TryResolveRelative(string relative, out string fullPath)
    {
        fullPath = "";
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0') || System.IO.Path.IsPathRooted(relative)) return false;
        foreach (var part in relative.Split('/', '\\'))
        {
            if (part == "..") return false;
        }
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relative));
        var root = Path.EndsWith(System.IO.Path.DirectorySeparatorChar) ? Path : Path + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal) && full != Path) return false;
        fullPath = full;
        return true;
    }
}
