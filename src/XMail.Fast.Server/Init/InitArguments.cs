using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server.Init;

/// <summary>XMail --init [-Ms DIR] [--admin NAME] [--domain NAME] [--password-file FILE].</summary>
internal sealed record InitArguments(string MailRoot, string Admin, string? Domain, string? PasswordFile)
{
    public const string Usage = "usage: XMail --init [-Ms DIR] [--admin NAME] [--domain NAME] [--password-file FILE]  (password: FILE, or one line on stdin)";
    public const string DefaultAdmin = "admin";

    /// <summary>-Ms, else MAIL_ROOT, else ./MailRoot (the folder dev mode serves).</summary>
    public static InitArguments Parse(IReadOnlyList<string> args, string? mailRootVariable)
    {
        string? root = null, admin = null, domain = null, passwordFile = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--init") continue;
            string Next() => i + 1 < args.Count ? args[++i] : throw new StartupFailure(ExitCodes.Usage, $"--init: {a} needs a value");
            switch (a)
            {
                case "-Ms": root = Next(); break;
                case "--admin": admin = Next(); break;
                case "--domain": domain = Next().ToLowerInvariant(); break;
                case "--password-file": passwordFile = Next(); break;
                default: throw new StartupFailure(ExitCodes.Usage, $"--init: unexpected argument '{a}'");
            }
        }
        admin ??= DefaultAdmin;
        if (!IsAccountName(admin))
            throw new StartupFailure(ExitCodes.Usage, $"--init: '{admin}' is not a usable CTRL account name (letters, digits, . _ - @ only)");
        root ??= mailRootVariable is { Length: > 0 } v ? v : Path.Combine(Environment.CurrentDirectory, "MailRoot");
        return new InitArguments(Path.GetFullPath(root), admin, domain, passwordFile);
    }

    private static bool IsAccountName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
