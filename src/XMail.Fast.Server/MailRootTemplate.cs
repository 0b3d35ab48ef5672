namespace XMail.Fast.Server;

/// <summary>MailRoot.template (shipped beside the executable): what a new MailRoot starts from, copied by dev mode's first run.</summary>
internal static class MailRootTemplate
{
    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "MailRoot.template");

    /// <summary>Copies the template into <paramref name="mailRoot"/> (missing or empty).</summary>
    public static void CopyTo(string mailRoot)
    {
        if (!Directory.Exists(TemplatePath))
            throw new Startup.StartupFailure(Startup.ExitCodes.Failure, $"no MailRoot.template at {TemplatePath}; reinstall XMail (deploy/publish.sh ships it beside the executable)");
        CopyTree(TemplatePath, mailRoot);
    }

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: false);
    }
}
