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
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
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
        var macros = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["AUTH"] = mechanism,
            ["USER"] = user,
            ["PASS"] = password ?? "",
            ["CHALL"] = challenge ?? "",
            ["DGEST"] = digest ?? "",
            ["RFILE"] = rfile,
        };
        try
        {
            int code = await ExternalProgram.RunAsync(ExternalProgram.Expand(entry[1..], macros), Timeout).ConfigureAwait(false);
            if (code != 0)
            {
                _log.LogInformation("SMTPEXTAUTH {Mechanism} for {User}: {Program} exited {Code}", mechanism, user, entry[1], code);
                return null;
            }
            var perms = _ctx.Config.DefaultSmtpPerms;
            if (File.Exists(rfile))
            {
                foreach (var line in File.ReadLines(rfile))
                {
                    int eq = line.IndexOf('=');
                    if (eq > 0 && line[..eq].Trim().Equals("Perms", StringComparison.OrdinalIgnoreCase)) perms = line[(eq + 1)..].Trim();
                }
            }
            return SmtpPermissionText.Parse(perms);
        }
        finally
        {
            try { File.Delete(rfile); } catch { /* best effort */ }
        }
    }
}
