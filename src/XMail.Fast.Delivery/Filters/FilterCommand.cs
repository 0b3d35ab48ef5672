namespace XMail.Fast.Delivery.Filters;

/// <summary>One line of a filter file: optional "!flags" (aex, wlex, timeo=N), the program, its arguments.</summary>
public sealed record FilterCommand(string Program, string[] Args, bool ExcludeAuthenticated, bool ExcludeWhitelisted, int? TimeoutSeconds)
{
    public static FilterCommand? Parse(string[] fields)
    {
        int i = 0;
        bool aex = false, wlex = false;
        int? timeout = null;
        if (fields.Length > 0 && fields[0].StartsWith('!'))
        {
            foreach (var flag in fields[0][1..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (flag.Equals("aex", StringComparison.OrdinalIgnoreCase)) aex = true;
                else if (flag.Equals("wlex", StringComparison.OrdinalIgnoreCase)) wlex = true;
                else if (flag.StartsWith("timeo=", StringComparison.OrdinalIgnoreCase) && int.TryParse(flag[6..], out int t)) timeout = t;
            }
            i = 1;
        }
        if (fields.Length <= i || fields[i].Length == 0) return null;
        return new FilterCommand(fields[i], fields[(i + 1)..], aex, wlex, timeout);
    }
}
