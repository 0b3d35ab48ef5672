using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// filelist cfgfileget cfgfileset: MailRoot-relative files. Paths go through MailRoot.TryResolveRelative (no "..",
/// no absolute paths; XMail 1.27 only refused ".."), the indexed tables are refused as the spec requires, and private
/// keys unless server.tab allows them (<see cref="PrivateKeyFiles"/>).
/// </summary>
internal static class CtrlFileCommands
{
    /// <summary>The tables XMail keeps indexed: the spec forbids cfgfileget/cfgfileset on them.</summary>
    private static readonly string[] IndexedTables = ["mailusers.tab", "aliases.tab", "extaliases.tab", "aliasdomain.tab"];

    public static async ValueTask<bool> FileList(CtrlSession s, string[] t)
    {
        if (!TryResolve(s, t[1], allowRoot: true, out var dir)) return await Reply(s, ErrorCode.BadRelativePath);
        if (!Directory.Exists(dir)) return await Reply(s, ErrorCode.ListdirNotFound);
        var lines = new List<string>();
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles())
        {
            if (!Wildcard.IsMatch(t[2], f.Name)) continue;
            try { lines.Add(TabParser.Format([f.Name, f.Length.ToString()])); }
            catch (FileNotFoundException) { }
        }
        await s.SendListAsync(lines);
        return true;
    }

    public static async ValueTask<bool> CfgFileGet(CtrlSession s, string[] t)
    {
        if (!TryResolve(s, t[1], allowRoot: false, out var path) || IsIndexed(s, path)) return await Reply(s, ErrorCode.BadRelativePath);
        if (!File.Exists(path)) return await Reply(s, ErrorCode.FileOpen);
        if (IsRefusedKey(s, t[1], PrivateKeyFiles.IsKeyName(path) || PrivateKeyFiles.FileHoldsPrivateKey(path))) return await Reply(s, ErrorCode.BadRelativePath);
        await s.SendFilesAsync([path]);
        return true;
    }

    /// <summary>cfgfileset: the upload replaces the file atomically; an empty upload deletes it.</summary>
    public static async ValueTask<bool> CfgFileSet(CtrlSession s, string[] t)
    {
        if (!TryResolve(s, t[1], allowRoot: false, out var path) || IsIndexed(s, path) || Directory.Exists(path))
            return await Reply(s, ErrorCode.BadRelativePath);
        if (!Directory.Exists(Path.GetDirectoryName(path))) return await Reply(s, ErrorCode.FileCreate);
        // Refused before the upload is read, so a key name never reaches the disk; the content is checked after it.
        if (IsRefusedKey(s, t[1], PrivateKeyFiles.IsKeyName(path) || PrivateKeyFiles.FileHoldsPrivateKey(path))) return await Reply(s, ErrorCode.BadRelativePath);
        var (content, error) = await s.ReceiveUploadAsync();
        if (content is null) return error != ErrorCode.Success && await Reply(s, error);
        if (IsRefusedKey(s, t[1], PrivateKeyFiles.HoldsPrivateKey(content))) return await Reply(s, ErrorCode.BadRelativePath);
        try
        {
            s.Services.Accounts.WithWriteLock(() =>
            {
                if (content.Length == 0) File.Delete(path);
                else AtomicFile.WriteAllBytes(path, content);
                XMail.Fast.Core.Config.FileExistence.Changed(path);
                return true;
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            s.Log.LogError("CTRL [{Ip}] cfgfileset {File} failed: {Error}", s.PeerIp, t[1], ex.Message);
            return await Reply(s, ErrorCode.FileWrite);
        }
        s.Services.Accounts.InvalidateAll();
        s.Log.LogInformation("CTRL [{Ip}] {File} {Action} by \"{User}\"", s.PeerIp, t[1], content.Length == 0 ? "deleted" : "replaced", s.User);
        return await Reply(s, ErrorCode.Success);
    }

    private static bool TryResolve(CtrlSession s, string relative, bool allowRoot, out string full)
    {
        var root = s.Context.Root;
        if (allowRoot && relative is "" or "." or "./")
        {
            full = root.Path;
            return true;
        }
        if (root.TryResolveRelative(relative, out full) && full != root.Path) return true;
        s.Log.LogWarning("CTRL [{Ip}] path refused: \"{Path}\"", s.PeerIp, relative);
        return false;
    }

    private static bool IsRefusedKey(CtrlSession s, string relative, bool isKey)
    {
        if (!isKey || s.Context.Config.CtrlAllowKeyFiles) return false;
        s.Log.LogWarning("CTRL [{Ip}] {File} is a private key: cfgfileget/cfgfileset refused (server.tab CtrlAllowKeyFiles allows it)", s.PeerIp, relative);
        return true;
    }

    private static bool IsIndexed(CtrlSession s, string fullPath)
    {
        foreach (var name in IndexedTables)
        {
            if (string.Equals(fullPath, s.Context.Root.File(name), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                s.Log.LogWarning("CTRL [{Ip}] {File} is an indexed table: cfgfileget/cfgfileset refused", s.PeerIp, name);
                return true;
            }
        }
        return false;
    }
}
