using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// pop3links.tab ("POP3LINKS.TAB") plus the enabled/disabled state of each link, kept as XMail 1.27 keeps it:
/// a link is disabled while a file "EXTNAME@EXTDOMAIN.disabled" exists in the local account's folder (local
/// domains) or in MailRoot/pop3links/ (links whose local domain starts with '@', '?' or '&amp;'). Records hold the
/// external password XMCrypt-encoded; <see cref="Pop3LinkRecord.EncodedPassword"/> is that encoded form.
/// </summary>
public sealed class Pop3LinkStore
{
    public const string DisabledSuffix = ".disabled";
    private readonly AccountStore _accounts;
    private readonly ILogger? _log;

    public Pop3LinkStore(AccountStore accounts, ILogger? log = null)
    {
        _accounts = accounts;
        _log = log;
    }

    private MailRoot Root => _accounts.Root;

    /// <summary>All records in file order (malformed lines are logged and skipped).</summary>
    public List<Pop3LinkRecord> All() =>
        TabFile.Records(Root.Pop3LinksTab, 6, _log)
            .Select(l => new Pop3LinkRecord(l.Fields![0], l.Fields[1], l.Fields[2], l.Fields[3], l.Fields[4], l.Fields[5]))
            .ToList();

    /// <summary>A '@' (non-local), '?' or '&amp;' (masquerading) local domain: not an account of this server.</summary>
    public static bool IsLocalLink(Pop3LinkRecord link) => link.LocalDomain.Length > 0 && link.LocalDomain[0] is not ('@' or '?' or '&');

    public ErrorCode Add(string localDomain, string localName, string extDomain, string extName, string clearPassword, string authType)
    {
        string[] fields = [localDomain, localName, extDomain, extName, clearPassword, authType];
        if (fields.Any(f => !TabParser.IsStorable(f)) || fields.Take(4).Any(f => f.Length == 0)) return ErrorCode.BadCtrlCommand;
        return _accounts.WithWriteLock(() =>
        {
            if (All().Any(l => Same(l, localDomain, localName, extDomain, extName))) return ErrorCode.LinkExist;
            var lines = TabFile.Read(Root.Pop3LinksTab);
            lines.Add(TabLine.FromFields(localDomain, localName, extDomain, extName, XMCrypt.Encode(clearPassword), authType));
            TabFile.Write(Root.Pop3LinksTab, lines);
            return ErrorCode.Success;
        });
    }

    public ErrorCode Delete(string localDomain, string localName, string extDomain, string extName)
    {
        return _accounts.WithWriteLock(() =>
        {
            var link = All().FirstOrDefault(l => Same(l, localDomain, localName, extDomain, extName));
            if (link is null) return ErrorCode.LinkNotFound;
            AccountStore.RewriteRecords(Root.Pop3LinksTab, f => !(f.Length >= 6 && Same(f, localDomain, localName, extDomain, extName)));
            if (DisabledFlagPath(link) is { } flag) TryDelete(flag);
            return ErrorCode.Success;
        });
    }

    public bool IsEnabled(Pop3LinkRecord link) => DisabledFlagPath(link) is not { } flag || !File.Exists(flag);

    /// <summary>
    /// Enables or disables every link of the local account (and, when given, of that external account).
    /// </summary>
    public ErrorCode SetEnabled(bool enable, string localDomain, string localName, string? extDomain, string? extName)
    {
        return _accounts.WithWriteLock(() =>
        {
            var links = All().Where(l => l.LocalDomain.Equals(localDomain, StringComparison.OrdinalIgnoreCase) &&
                                         l.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase) &&
                                         (extDomain is null || l.ExtDomain.Equals(extDomain, StringComparison.OrdinalIgnoreCase)) &&
                                         (extName is null || l.ExtName.Equals(extName, StringComparison.OrdinalIgnoreCase))).ToList();
            if (links.Count == 0) return ErrorCode.LinkNotFound;
            foreach (var link in links)
            {
                if (DisabledFlagPath(link) is not { } flag) return IsLocalLink(link) ? ErrorCode.RecordNotFound : ErrorCode.BadCtrlCommand;
                if (enable) TryDelete(flag);
                else AtomicFile.WriteAllText(flag, DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss") + "\n");
            }
            return ErrorCode.Success;
        });
    }

    /// <summary>Where the "disabled" flag of a link lives; null when the account is gone or the names are not safe file names.</summary>
    public string? DisabledFlagPath(Pop3LinkRecord link)
    {
        var name = link.ExtName + "@" + link.ExtDomain + DisabledSuffix;
        if (!MailRoot.IsSafeName(name)) return null;
        if (!IsLocalLink(link)) return Path.Combine(Root.Pop3LinksDir, name);
        var user = _accounts.FindUser(link.LocalDomain, link.LocalName);
        return user is null ? null : Path.Combine(_accounts.UserDirectory(user), name);
    }

    private static bool Same(Pop3LinkRecord l, string d, string n, string ed, string en) =>
        Eq(l.LocalDomain, d) && Eq(l.LocalName, n) && Eq(l.ExtDomain, ed) && Eq(l.ExtName, en);

    private static bool Same(string[] f, string d, string n, string ed, string en) =>
        Eq(f[0], d) && Eq(f[1], n) && Eq(f[2], ed) && Eq(f[3], en);

    private static bool Eq(string a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException ex) { _log?.LogWarning("unable to remove {File}: {Error}", path, ex.Message); }
    }
}
