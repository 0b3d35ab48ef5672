using System.Globalization;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.External;

/// <summary>
/// One line of a filter file, message filters ("MESSAGE FILTERS") and SMTP filters ("SMTP MESSAGE FILTERS") alike:
/// "command" "arg-or-macro"... or "!flags" "command" "arg-or-macro"... Flags are comma-separated, FLAG or FLAG=VAL:
/// aex (skip for authenticated senders), wlex (skip for white-listed peers; SMTP filters only), timeo=SECONDS (this
/// command's timeout instead of -QT). As XMail 1.27 reads them: aex=0/wlex=0 turn the flag off, and timeo=0 is a
/// timeout of 0, which the spec defines as "nowait" (started, not waited for, so its exit code decides nothing).
/// Flag names are case-insensitive; unknown flags are ignored.
/// </summary>
public sealed record FilterCommand(string Program, IReadOnlyList<string> Arguments, bool SkipAuthenticated, bool SkipWhiteListed, int? TimeoutSeconds)
{
    public static FilterCommand? Parse(string[] fields)
    {
        int i = 0;
        bool aex = false, wlex = false;
        int? timeout = null;
        if (fields.Length > 0 && fields[0].StartsWith('!'))
        {
            foreach (var flag in fields[0][1..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = flag.IndexOf('=');
                var name = eq < 0 ? flag : flag[..eq].Trim();
                var value = eq < 0 ? null : flag[(eq + 1)..].Trim();
                if (name.Equals("aex", StringComparison.OrdinalIgnoreCase)) aex = IsOn(value);
                else if (name.Equals("wlex", StringComparison.OrdinalIgnoreCase)) wlex = IsOn(value);
                else if (name.Equals("timeo", StringComparison.OrdinalIgnoreCase) && TryNumber(value, out int t) && t >= 0) timeout = t;
            }
            i = 1;
        }
        if (i >= fields.Length || fields[i].Length == 0) return null;
        return new FilterCommand(fields[i], fields[(i + 1)..], aex, wlex, timeout);
    }

    /// <summary>XMail 1.27's FILTV_SET: a flag without a value is on; with one, a number other than 0.</summary>
    private static bool IsOn(string? value) => value is null || (TryNumber(value, out int n) && n != 0);

    private static bool TryNumber(string? text, out int n) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n);

    /// <summary>This command's timeout: its timeo= flag, else -QT (<paramref name="defaultSeconds"/>, at least a second).</summary>
    public int TimeoutOr(int defaultSeconds) => TimeoutSeconds ?? Math.Max(1, defaultSeconds);

    /// <summary>All commands of a filter file (malformed lines are logged with file:line and skipped).</summary>
    public static IReadOnlyList<FilterCommand> Load(string path, ILogger? log = null)
    {
        var list = new List<FilterCommand>();
        foreach (var line in TabFile.Records(path, 1, log))
        {
            if (Parse(line.Fields!) is { } c) list.Add(c);
            else log?.LogWarning("{File}:{Line}: filter line without a command; skipped", path, line.LineNumber);
        }
        return list;
    }
}
