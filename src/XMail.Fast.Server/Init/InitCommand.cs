using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server.Init;

/// <summary>
/// XMail --init: the first-admin path, no hand editing. A missing or empty folder becomes a MailRoot from
/// MailRoot.template; a folder that holds anything else is refused. On an existing MailRoot (a dev MailRoot, a
/// container volume) it only adds what is asked. Then: the domain (server.tab's placeholder host variables point at
/// it, domains.tab lists it), the CTRL admin with its password (added, or its password reset), and a self-signed
/// server.cert/server.key when there are none. The password is read before anything is written.
/// </summary>
internal static class InitCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var a = InitArguments.Parse(args, Environment.GetEnvironmentVariable("MAIL_ROOT"));
        if (a.Domain is { } d && !IsDomainName(d))
            throw new StartupFailure(ExitCodes.Usage, $"--init: '{d}' is not a domain name");
        bool create = !MailRootGuard.IsMailRoot(a.MailRoot);
        if (create && !MailRootGuard.IsMissingOrEmpty(a.MailRoot))
            throw new StartupFailure(ExitCodes.NoMailRoot,
                $"--init: {a.MailRoot} is neither empty nor a MailRoot (it has no server.tab); give a new or empty folder with -Ms");
        var password = AdminPassword.Read(a.PasswordFile, a.Admin);
        var root = new MailRoot(a.MailRoot);
        try
        {
            if (create)
            {
                MailRootTemplate.CopyTo(root.Path);
                output.WriteLine($"created MailRoot {root.Path} from {MailRootTemplate.TemplatePath}");
            }
            if (a.Domain is { } domain) AddDomain(root, domain, output);
            bool added = CtrlAccountsFile.SetPassword(root.CtrlAccountsTab, a.Admin, password);
            output.WriteLine($"ctrlaccounts.tab: {(added ? "added CTRL account" : "new password for CTRL account")} {a.Admin}");
            var host = a.Domain ?? MailRootTemplate.RootDomain(root.ServerTab);
            if (SelfSignedCertificate.CreateIfMissing(root.Path, host, TimeProvider.System))
                output.WriteLine($"created a self-signed server.cert/server.key for {host} (replace them with a CA-signed pair for a public server)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailure(ExitCodes.MailRootNotWritable,
                $"--init: cannot write {root.Path}: {ex.Message.TrimEnd('.')}; run as the user the server runs as ({CurrentUser.Describe()} now)", ex);
        }
        if (MailRootTemplate.RootDomain(root.ServerTab) == MailRootTemplate.PlaceholderDomain)
            output.WriteLine($"note: server.tab still names the placeholder host '{MailRootTemplate.PlaceholderDomain}'; run --init again with --domain NAME");
        output.WriteLine($"start the server with: XMail -Ms {MailRootGuard.Quote(root.Path)}");
        return ExitCodes.Ok;
    }

    private static void AddDomain(MailRoot root, string domain, TextWriter output)
    {
        var named = MailRootTemplate.NameServer(root.ServerTab, domain);
        if (named.Count > 0) output.WriteLine($"server.tab: {string.Join(", ", named)} set for {domain}");
        root.EnsureLayout();
        var result = new AccountStore(root).AddDomain(domain);
        output.WriteLine(result switch
        {
            ErrorCode.Success => $"domains.tab: added {domain}",
            ErrorCode.DomainAlreadyHandled => $"domains.tab: {domain} is already there",
            _ => throw new StartupFailure(ExitCodes.Failure, $"--init: cannot add domain {domain}: {ErrorCodeText.Describe(result)}"),
        });
    }

    private static bool IsDomainName(string d) =>
        d.Length is > 0 and <= 253 && !d.StartsWith('.') && !d.EndsWith('.') && !d.Contains("..") &&
        d.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
