namespace XMail.Fast.Tests.Infrastructure;

/// <summary>Finds ../shared/fixtures (beside the repository) from the test binaries.</summary>
public static class Fixtures
{
    private static readonly Lazy<string> SharedDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared"), Path.Combine(dir.FullName, "..", "shared") })
                if (Directory.Exists(Path.Combine(candidate, "fixtures"))) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory);
    });

    public static string Shared => SharedDir.Value;

    /// <summary>XMail 1.27's own template MailRoot (read-only; copy it before use).</summary>
    public static string XMail127MailRoot => Path.Combine(Shared, "fixtures", "xmail-1.27-MailRoot");
}
