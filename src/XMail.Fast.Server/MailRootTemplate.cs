namespace XMail.Fast.Server;

/// <summary>First run: copies MailRoot.template (shipped beside the executable) to the MailRoot path when that path does not exist.</summary>
internal static class MailRootTemplate
{
    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "MailRoot.template");

    public static bool EnsureExists(string mailRoot, out string? note)
    {
        note = null;
        if (Directory.Exists(mailRoot)) return true;
        if (!Directory.Exists(TemplatePath))
        {
            note = $"MailRoot {mailRoot} does not exist and no template was found at {TemplatePath}";
            return false;
        }
        CopyTree(TemplatePath, mailRoot);
        note = $"created MailRoot {mailRoot} from {TemplatePath}";
        return true;
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
