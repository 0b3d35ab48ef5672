using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>
/// custdomains/DOMAIN.tab ("CUSTOM DOMAIN MAIL PROCESSING"): the command file of a custom domain.
/// CTRL custdomget/custdomset/custdomlist. Domain names are lower-cased and must be one safe path component.
/// </summary>
public sealed class CustomDomainFiles
{
    private readonly AccountStore _accounts;

    public CustomDomainFiles(AccountStore accounts) => _accounts = accounts;

    private string Dir => _accounts.Root.CustDomainsDir;

    /// <summary>The file of <paramref name="domain"/>, or null when the name is not usable as a file name.</summary>
    public string? PathOf(string domain)
    {
        var d = domain.ToLowerInvariant();
        if (!MailRoot.IsSafeName(d)) return null;
        return Path.Combine(Dir, d + ".tab");
    }

    public bool Exists(string domain) => PathOf(domain) is { } p && File.Exists(p);

    /// <summary>Domain names with a custom file, in directory order.</summary>
    public List<string> List()
    {
        var list = new List<string>();
        if (!Directory.Exists(Dir)) return list;
        foreach (var f in Directory.EnumerateFiles(Dir, "*.tab"))
        {
            list.Add(Path.GetFileName(f)[..^4]);
        }
        return list;
    }

    /// <summary>Replaces (atomically) or, for empty content, deletes the domain's file. False for an unusable name.</summary>
    public bool Set(string domain, ReadOnlySpan<byte> content)
    {
        if (PathOf(domain) is not { } path) return false;
        var bytes = content.ToArray();
        _accounts.WithWriteLock(() =>
        {
            if (bytes.Length == 0) File.Delete(path);
            else AtomicFile.WriteAllBytes(path, bytes);
            XMail.Fast.Core.Config.FileExistence.Changed(path);
            return true;
        });
        return true;
    }
}
