using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.External;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Protocols.Smtp;

/// <summary>
/// "SMTPEXTAUTH.TAB": "auth-name" "program" "arg-or-macro"... When the file has records only its mechanisms are
/// offered and each AUTH runs the program (macros AUTH USER PASS CHALL DGEST RFILE); exit 0 = success; the
/// program may write "Perms=..." into RFILE, otherwise DefaultSmtpPerms apply.
/// </summary>
internal sealed class SmtpExternalAuth
{
    private const int TimeoutSeconds = 60;
    private readonly MailServerContext _ctx;
    private readonly ILogger _log;

    public SmtpExternalAuth(MailServerContext ctx)
    {
        _ctx = ctx;
        _log = ctx.Loggers.CreateLogger("XMail.SMTP.ExtAuth");
    }

    private IReadOnlyList<string[]> Entries => _ctx.Table("smtpextauth.tab",
        (p, l) => (IReadOnlyList<string[]>)TabFile.Records(p, 2, l).Select(r => r.Fields!).ToList());

    /// <summary>Mechanisms listed in smtpextauth.tab, in file order (empty = built-in AUTH).</summary>
    public IReadOnlyList<string> Names => Entries.Select(e => e[0].ToUpperInvariant()).Distinct().ToList();

    public async Task<SmtpPermissions?> AuthenticateAsync(string mechanism, string user, string? password, string? challenge, string? digest)
    {
        var entry = Entries.FirstOrDefault(e => e[0].Equals(mechanism, StringComparison.OrdinalIgnoreCase));
        if (entry is null) return null;
        var dir = _ctx.Spool.TempDir;
        Directory.CreateDirectory(dir);
        var rfile = Path.Combine(dir, "smtpea." + Core.Spool.UniqueName.Next(_ctx.Time));
        var run = new ExternalRun(entry[1], entry[2..])
        {
            Macros = new MacroSet().Add("AUTH", mechanism).Add("USER", user).Add("PASS", password ?? "").Add("CHALL", challenge ?? "")
                .Add("DGEST", digest ?? "").Add("RFILE", rfile),
            TimeoutSeconds = TimeoutSeconds,
            TempFiles = [rfile],
        };
        return await ExternalRunner.RunAsync<SmtpPermissions?>(run, r =>
        {
            if (!r.Succeeded)
            {
                _log.LogInformation("SMTPEXTAUTH {Mechanism} for {User}: {Program} exited {Code}", mechanism, user, entry[1], r.ExitCode);
                return null;
            }
            return SmtpPermissionText.Parse(PermsFrom(rfile) ?? _ctx.Config.DefaultSmtpPerms);
        }, _log).ConfigureAwait(false);
    }

    /// <summary>The "Perms=..." line the program may have written into RFILE.</summary>
    private static string? PermsFrom(string rfile)
    {
        if (!File.Exists(rfile)) return null;
        string? perms = null;
        foreach (var line in File.ReadLines(rfile))
        {
            int eq = line.IndexOf('=');
            if (eq > 0 && line[..eq].Trim().Equals("Perms", StringComparison.OrdinalIgnoreCase)) perms = line[(eq + 1)..].Trim();
        }
        return perms;
    }
}
