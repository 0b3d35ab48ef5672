using Microsoft.Extensions.Logging;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// <see cref="IDkimKeyAdmin"/> over <see cref="DkimKeyStore"/>'s folder: new keys are written atomically with mode
/// 0600 (folders 0700), and the store forgets the domain at once so the next message signs with the change.
/// </summary>
public sealed class DkimKeyAdmin : IDkimKeyAdmin
{
    private readonly DkimKeyStore _store;
    private readonly ILogger _log;
    private readonly object _gate = new();

    public DkimKeyAdmin(DkimKeyStore store, ILogger log)
    {
        _store = store;
        _log = log;
    }

    public (DkimKeyAdminResult Result, DkimKeyInfo? Key) Add(string domain, string selector, string type)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (!DkimKeyStore.IsSafeName(domain) || !DkimKeyStore.IsSafeName(selector) || !domain.Contains('.')) return (DkimKeyAdminResult.BadName, null);
        if (!type.Equals("rsa", StringComparison.OrdinalIgnoreCase) && !type.Equals("ed25519", StringComparison.OrdinalIgnoreCase)) return (DkimKeyAdminResult.BadType, null);
        var path = KeyPath(domain, selector);
        lock (_gate)
        {
            if (File.Exists(path)) return (DkimKeyAdminResult.Exists, null);
            try
            {
                var pem = DkimKeyFile.Generate(type);
                var dir = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(dir))
                {
                    if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                    else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                AtomicFile.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(pem));
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                _store.Forget(domain);
                _log.LogInformation("DKIM: new {Type} key {Selector} for {Domain}", type, selector, domain);
                return (DkimKeyAdminResult.Ok, Info(domain, selector, pem));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("DKIM: cannot write {Path}: {Error}", path, ex.Message);
                return (DkimKeyAdminResult.IoError, null);
            }
        }
    }

    public DkimKeyAdminResult Delete(string domain, string selector)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (!DkimKeyStore.IsSafeName(domain) || !DkimKeyStore.IsSafeName(selector)) return DkimKeyAdminResult.BadName;
        var path = KeyPath(domain, selector);
        lock (_gate)
        {
            if (!File.Exists(path)) return DkimKeyAdminResult.NotFound;
            try
            {
                File.Delete(path);
                _store.Forget(domain);
                _log.LogInformation("DKIM: key {Selector} of {Domain} removed", selector, domain);
                return DkimKeyAdminResult.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("DKIM: cannot remove {Path}: {Error}", path, ex.Message);
                return DkimKeyAdminResult.IoError;
            }
        }
    }

    public IReadOnlyList<DkimKeyInfo> List(string? domain)
    {
        if (!Directory.Exists(_store.Root)) return [];
        IEnumerable<string> domains = domain is null
            ? Directory.EnumerateDirectories(_store.Root).Select(Path.GetFileName).OfType<string>().Where(DkimKeyStore.IsSafeName).Order(StringComparer.Ordinal)
            : DkimKeyStore.IsSafeName(domain.ToLowerInvariant()) ? [domain.ToLowerInvariant()] : [];
        var list = new List<DkimKeyInfo>();
        foreach (var d in domains)
        {
            _store.Forget(d);
            foreach (var k in _store.KeysFor(d)) list.Add(new DkimKeyInfo(d, k.Selector, k.Kind, TxtName(d, k.Selector), DkimKeyFile.TxtRecord(k.PrivateKey)));
        }
        return list;
    }

    public (DkimKeyAdminResult Result, DkimKeyInfo? Key) Get(string domain, string selector)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (!DkimKeyStore.IsSafeName(domain) || !DkimKeyStore.IsSafeName(selector)) return (DkimKeyAdminResult.BadName, null);
        var path = KeyPath(domain, selector);
        try
        {
            return File.Exists(path) ? (DkimKeyAdminResult.Ok, Info(domain, selector, File.ReadAllText(path))) : (DkimKeyAdminResult.NotFound, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidCastException)
        {
            _log.LogWarning("DKIM: cannot read {Path}: {Error}", path, ex.Message);
            return (DkimKeyAdminResult.IoError, null);
        }
    }

    private string KeyPath(string domain, string selector) => Path.Combine(_store.Root, domain, selector + ".key");

    private static string TxtName(string domain, string selector) => selector + "._domainkey." + domain;

    private static DkimKeyInfo Info(string domain, string selector, string pem)
    {
        var key = DkimKeyFile.Read(pem);
        var kind = new DkimSigningKey(domain, selector, key, DkimKeyFile.AlgorithmOf(key), "").Kind;
        return new DkimKeyInfo(domain, selector, kind, TxtName(domain, selector), DkimKeyFile.TxtRecord(key));
    }
}
