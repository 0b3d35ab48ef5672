using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.MkUsers;

/// <summary>
/// Builds mailusers.tab and the domains/DOMAIN/USER trees from a user list or in auto mode ("MkUsers" section).
/// Exit codes, as XMail 1.27's MkUsers: 0 done (skipped lines are reported on stderr but do not fail the run),
/// 1 bad usage or mailusers.tab already present, an errno-like code (2 not found, 13 access denied, 5 other I/O)
/// when the root, the input or mailusers.tab cannot be used.
/// </summary>
public static class MkUsersRunner
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;
    public const int ExitExists = 1;

    public static int Run(IReadOnlyList<string> args, Stream stdin, TextWriter stderr)
    {
        var options = MkUsersOptions.Parse(args);
        if (options is null)
        {
            stderr.Write(MkUsersOptions.Usage);
            return ExitUsage;
        }
        if (options.ShowHelp)
        {
            // -h: XMail 1.27 printed the usage on stderr too, and exited 0.
            stderr.Write(MkUsersOptions.Usage);
            return ExitOk;
        }
        return Run(options, stdin, stderr);
    }

    public static int Run(MkUsersOptions options, Stream stdin, TextWriter stderr)
    {
        var domainsDir = Path.Combine(options.RootDir, "domains");
        var mailUsersTab = Path.Combine(options.RootDir, "mailusers.tab");
        if (PrepareRoot(domainsDir, mailUsersTab, stderr) is { } refused) return refused;
        StreamReader? reader = null;
        if (options.AutoUsers <= 0 && OpenInput(options, stdin, stderr, out reader) is { } unreadable) return unreadable;
        List<TabLine> records;
        using (reader)
            records = CreateAccounts(options, reader is null ? AutoEntries(options) : ListEntries(reader), domainsDir, stderr);
        return WriteTable(mailUsersTab, records, stderr);
    }

    /// <summary>Creates MailRoot/domains; refuses a MailRoot that already has a mailusers.tab. Null when ready.</summary>
    private static int? PrepareRoot(string domainsDir, string mailUsersTab, TextWriter stderr)
    {
        try
        {
            Directory.CreateDirectory(domainsDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{domainsDir}: {ex.Message}");
            return ErrnoOf(ex);
        }
        if (File.Exists(mailUsersTab) || Directory.Exists(mailUsersTab))
        {
            // The spec's safety net: never overwrite a live user table.
            stderr.WriteLine($"{mailUsersTab} already exist");
            return ExitExists;
        }
        return null;
    }

    /// <summary>The user list (-f file, else stdin). Null when open, else the exit code.</summary>
    private static int? OpenInput(MkUsersOptions options, Stream stdin, TextWriter stderr, out StreamReader? reader)
    {
        try
        {
            // Latin-1 keeps every byte of names and passwords, as the C tool copied bytes.
            reader = options.InputFile is null
                ? new StreamReader(stdin, TabFile.Bytes, false, 4096, leaveOpen: true)
                : new StreamReader(options.InputFile, TabFile.Bytes, false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{options.InputFile}: {ex.Message}");
            reader = null;
            return ErrnoOf(ex);
        }
    }

    /// <summary>Creates each account's folders; returns the mailusers.tab records of those created (bad lines are reported and skipped).</summary>
    private static List<TabLine> CreateAccounts(MkUsersOptions options, IEnumerable<(int Line, MkUsersEntry? Entry, string? Error)> entries,
        string domainsDir, TextWriter stderr)
    {
        var records = new List<TabLine>();
        var seen = new HashSet<(string, string)>();
        var creator = new MkUsersAccountCreator(domainsDir, options.MaxMBSize, options.Maildir);
        long id = options.FirstUserId;
        string source = options.AutoUsers > 0 ? "auto" : options.InputFile ?? "stdin";
        foreach (var (line, entry, error) in entries)
        {
            if (error is not null)
            {
                stderr.WriteLine($"{source}:{line}: {error}; line skipped");
                continue;
            }
            if (entry is null) continue;
            if (!seen.Add((entry.Domain, entry.User)))
            {
                stderr.WriteLine($"{source}:{line}: duplicate user <{entry.User}@{entry.Domain}>; line skipped");
                continue;
            }
            long userId = id++;
            try
            {
                creator.Create(entry);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error creating <{entry.User}@{entry.Domain}> : {ex.Message}");
                continue;
            }
            // XMail's own format (what the server writes): the id is a bare number.
            records.Add(TabLine.FromFields(
                [entry.Domain, entry.User, Core.Security.XMCrypt.Encode(entry.Password), userId.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.User, "U"],
                [3]));
        }
        return records;
    }

    private static int WriteTable(string mailUsersTab, List<TabLine> records, TextWriter stderr)
    {
        try
        {
            if (File.Exists(mailUsersTab))
            {
                stderr.WriteLine($"{mailUsersTab} already exist");
                return ExitExists;
            }
            TabFile.Write(mailUsersTab, records);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{mailUsersTab}: {ex.Message}");
            return ErrnoOf(ex);
        }
        return ExitOk;
    }

    private static IEnumerable<(int, MkUsersEntry?, string?)> ListEntries(StreamReader reader)
    {
        int lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            yield return MkUsersEntry.TryParse(line, out var entry, out var error) ? (lineNo, entry, null) : (lineNo, null, error);
        }
    }

    /// <summary>-a N: RADIX1..RADIXN, password and real name equal to the user name, as XMail 1.27 generated them.</summary>
    private static IEnumerable<(int, MkUsersEntry?, string?)> AutoEntries(MkUsersOptions o)
    {
        for (int i = 1; i <= o.AutoUsers; i++)
        {
            var user = (o.AutoUserRadix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToLowerInvariant();
            var domain = o.AutoDomain.ToLowerInvariant();
            var entry = new MkUsersEntry(domain, user, user, user, $"http://www.{domain}/~{user}");
            var error = entry.Validate();
            yield return error is null ? (i, entry, null) : (i, null, error);
        }
    }

    /// <summary>The errno XMail's MkUsers returned for the same failure.</summary>
    private static int ErrnoOf(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => 2,
        UnauthorizedAccessException => 13,
        _ => 5,
    };
}
