namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// Finds tests/fixtures inside the repository (the folder above the test binaries that holds XMail.Fast.sln), so a
/// clone of the project alone is all the tests need.
/// </summary>
public static class Fixtures
{
    private static readonly Lazy<string> RepositoryDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "XMail.Fast.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("XMail.Fast.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository's root folder.</summary>
    public static string Repository => RepositoryDir.Value;

    /// <summary>tests/fixtures: files the tests read and never change.</summary>
    public static string Dir => Path.Combine(Repository, "tests", "fixtures");

    /// <summary>XMail 1.27's own template MailRoot (read-only; copy it before use).</summary>
    public static string XMail127MailRoot => Path.Combine(Dir, "xmail-1.27-MailRoot");
}
