using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>What an external authentication action answered.</summary>
public enum ExternalAuthResult
{
    /// <summary>No userauth/SERVICE/DOMAIN.tab or .tab line for the action: use mailusers.tab.</summary>
    NotDefined,
    Succeeded,
    Failed,
}

/// <summary>
/// "EXTERNAL AUTHENTICATION": userauth/SERVICE/DOMAIN.tab, else userauth/SERVICE/.tab, lines
/// "auth-action" "command" "arg-or-macro"...; the first line for the action runs with the USER, DOMAIN, PASSWD and
/// PATH macros; exit code 0 means success, anything else (or a failure to run) means failure.
/// Actions: userauth, useradd, useredit, userdel, domaindrop (the CTRL user commands call the last four).
/// </summary>
public sealed class ExternalUserAuth
{
    private readonly MailRoot _root;
    private readonly ILogger? _log;

    public ExternalUserAuth(MailRoot root, ILogger? log = null)
    {
        _root = root;
        _log = log;
    }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The auth table for a domain, or null: DOMAIN.tab first, then the catch-all ".tab".</summary>
    public string? TableFor(string service, string domain)
    {
        string dir = Path.Combine(_root.UserAuthDir, service);
        if (MailRoot.IsSafeName(domain))
        {
            string specific = Path.Combine(dir, domain.ToLowerInvariant() + ".tab");
            if (File.Exists(specific)) return specific;
        }
        string any = Path.Combine(dir, ".tab");
        return File.Exists(any) ? any : null;
    }

    public async Task<ExternalAuthResult> RunAsync(string service, string action, string domain, string user, string password, string path = "", CancellationToken ct = default)
    {
        string? table = TableFor(service, domain);
        if (table is null) return ExternalAuthResult.NotDefined;
        string[]? line = null;
        foreach (var rec in TabFile.Records(table, 2, _log))
            if (rec.Fields![0].Equals(action, StringComparison.OrdinalIgnoreCase)) { line = rec.Fields; break; }
        if (line is null) return ExternalAuthResult.NotDefined;
        var run = new ExternalRun(line[1], line[2..])
        {
            Macros = new MacroSet().Add("USER", user).Add("DOMAIN", domain).Add("PASSWD", password).Add("PATH", path),
            TimeoutSeconds = (int)Math.Max(1, Math.Ceiling(Timeout.TotalSeconds)),
        };
        return await ExternalRunner.RunAsync(run, r =>
        {
            if (r.Succeeded) return ExternalAuthResult.Succeeded;
            _log?.LogInformation("external {Service} {Action} for {User}@{Domain}: exit {Code}", service, action, user, domain, r.ExitCode);
            return ExternalAuthResult.Failed;
        }, _log, ct).ConfigureAwait(false);
    }
}
