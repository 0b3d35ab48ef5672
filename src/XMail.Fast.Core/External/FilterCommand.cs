using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.External;

/// <summary>
/// One line of a filter file: "command" "arg-or-macro"... or "!flags" "command" "arg"... ("MESSAGE FILTERS").
/// Flags: aex (skip for authenticated senders), wlex (skip for white-listed peers), timeo=SECONDS.
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
                var kv = flag.Split('=', 2);
                switch (kv[0].ToLowerInvariant())
                {
                    case "aex": aex = true; break;
                    case "wlex": wlex = true; break;
                    case "timeo" when kv.Length == 2 && int.TryParse(kv[1], out int t) && t > 0: timeout = t; break;
                }
            }
            i = 1;
        }
        if (i >= fields.Length || fields[i].Length == 0) return null;
        return new FilterCommand(fields[i], fields[(i + 1)..], aex, wlex, timeout);
    }

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
