namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// The programs the interop tests drive (Postfix's smtp-sink, swaks, fetchmail, dnsmasq, curl, python3, ...).
/// Such a test is a <c>[SkippableFact]</c> with <c>[Trait("Category", "Interop")]</c> and asks for its program
/// through <see cref="Require"/>: where the program is not on PATH the test is reported skipped with
/// "needs X", never failed and never passed without running. .ci/run installs them all and fails if any
/// interop test was skipped.
/// </summary>
public static class ThirdPartyProgram
{
    /// <summary>The trait value of the interop group (<c>dotnet test --filter Category=Interop</c>).</summary>
    public const string Interop = "Interop";

    /// <summary>The program's full path on PATH, or null.</summary>
    public static string? Find(string program)
    {
        if (Path.IsPathRooted(program)) return File.Exists(program) ? program : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// The program's full path; skips the calling test when it is missing. <paramref name="debianPackage"/> names
    /// what installs it.
    /// </summary>
    public static string Require(string program, string debianPackage)
    {
        var path = Find(program);
        Skip.If(path is null, $"needs {program} (not on PATH; Debian package {debianPackage}, which .ci/run installs)");
        return path!;
    }
}
