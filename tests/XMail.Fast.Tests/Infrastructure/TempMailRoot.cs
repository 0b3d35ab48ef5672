namespace XMail.Fast.Tests.Infrastructure;

/// <summary>A throwaway copy of the XMail 1.27 template MailRoot, deleted on dispose.</summary>
public sealed class TempMailRoot : IDisposable
{
    public TempMailRoot(string? from = null)
    {
        Path = Directory.CreateTempSubdirectory("xmf-root-").FullName;
        Copy(from ?? Fixtures.XMail127MailRoot, Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string text)
    {
        var p = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, text);
    }

    public string Read(string relative) => System.IO.File.ReadAllText(File(relative));

    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var dst = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            System.IO.File.Copy(file, dst);
            // The fixture is read-only; the copy must be writable like a real MailRoot.
            System.IO.File.SetAttributes(dst, FileAttributes.Normal);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch { }
    }
}
