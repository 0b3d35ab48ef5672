namespace XMail.Fast.Protocols.Ctrl;

/// <summary>
/// Private keys (server.key, *.key, *.p12, *.pfx, and any file holding a PEM "PRIVATE KEY" block) that CTRL's
/// cfgfileget/cfgfileset leave alone unless server.tab's CtrlAllowKeyFiles is 1: a leaked CTRL password must not be
/// enough to copy the server's TLS key and impersonate it elsewhere, nor to swap in a key of the attacker's choosing.
/// </summary>
internal static class PrivateKeyFiles
{
    private static readonly string[] KeyExtensions = [".key", ".p12", ".pfx"];

    public static bool IsKeyName(string path) =>
        KeyExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>PEM's "-----BEGIN PRIVATE KEY-----", "... RSA PRIVATE KEY-----", "... ENCRYPTED PRIVATE KEY-----" and the like.</summary>
    public static bool HoldsPrivateKey(ReadOnlySpan<byte> content) => content.IndexOf("PRIVATE KEY-----"u8) >= 0;

    public static bool FileHoldsPrivateKey(string path)
    {
        try
        {
            return File.Exists(path) && HoldsPrivateKey(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the command itself reports what is wrong with the file
        }
    }
}
