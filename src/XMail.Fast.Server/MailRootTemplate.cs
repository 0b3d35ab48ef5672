using XMail.Fast.Core.Tab;

namespace XMail.Fast.Server;

/// <summary>
/// MailRoot.template (shipped beside the executable): what a new MailRoot starts from, copied by XMail --init and by
/// dev mode's first run. Its server.tab names the placeholder host "localhost" until a domain is given.
/// </summary>
internal static class MailRootTemplate
{
    public const string PlaceholderDomain = "localhost";

    /// <summary>The server.tab variables that name this server, with the value each gets for domain d.</summary>
    private static readonly (string Name, Func<string, string> Value)[] DomainVariables =
    [
        ("RootDomain", d => d), ("SmtpServerDomain", d => d), ("POP3Domain", d => d), ("HeloDomain", d => d),
        ("PostMaster", d => "postmaster@" + d), ("ErrorsAdmin", d => "postmaster@" + d),
    ];

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

    /// <summary>
    /// Points server.tab's host variables that still hold the placeholder at <paramref name="domain"/>; values an
    /// administrator changed are kept. Returns the names of the variables changed.
    /// </summary>
    public static List<string> NameServer(string serverTab, string domain)
    {
        var changed = new List<string>();
        var lines = TabFile.Read(serverTab);
        var result = lines.Select(line =>
        {
            if (line.Fields is not { Length: 2 } f) return line;
            foreach (var (name, value) in DomainVariables)
            {
                if (!f[0].Equals(name, StringComparison.OrdinalIgnoreCase) || value(PlaceholderDomain) != f[1]) continue;
                changed.Add(name);
                return TabLine.FromFields(f[0], value(domain));
            }
            return line;
        }).ToList();
        if (changed.Count > 0) TabFile.Write(serverTab, result);
        return changed;
    }

    /// <summary>server.tab's RootDomain, or the placeholder.</summary>
    public static string RootDomain(string serverTab) =>
        TabFile.Records(serverTab, 2).LastOrDefault(l => l.Fields![0].Equals("RootDomain", StringComparison.OrdinalIgnoreCase))?.Fields![1] is { Length: > 0 } d
            ? d : PlaceholderDomain;
}
