using XMail.Fast.Core.Spool;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// XMail's sendmail replacement: turns a message into an XMail LOCAL MAILER file in MAIL_ROOT/spool/local.
/// Exit codes are XMail 1.27's: 0 queued; 1 MAIL_ROOT unset or not a directory; 2 no recipients given
/// (or an address that cannot be written to the spool file); 3 --input-file/--xinput-file unreadable;
/// 4/5 spool/temp file not creatable; 6 --rcpt-file unreadable; 7 no recipient found after reading;
/// 8 write error; 9 fsync error; 10 rename into spool/local failed.
/// </summary>
public static class SendmailRunner
{
    public const int ExitOk = 0, ExitNoMailRoot = 1, ExitNoRecipients = 2, ExitInputFile = 3, ExitTempFile = 4,
        ExitDataFile = 5, ExitRcptFile = 6, ExitEmptyRecipients = 7, ExitWrite = 8, ExitSync = 9, ExitMove = 10;

    public static int Run(IReadOnlyList<string> args, Func<string, string?> getEnv, Stream stdin, TextWriter stderr, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var mailRoot = getEnv("MAIL_ROOT");
        if (string.IsNullOrEmpty(mailRoot))
        {
            stderr.WriteLine("cannot find environment variable: MAIL_ROOT");
            return ExitNoMailRoot;
        }
        if (!Directory.Exists(mailRoot))
        {
            stderr.WriteLine($"MAIL_ROOT is not a directory: {mailRoot}");
            return ExitNoMailRoot;
        }

        var options = SendmailOptions.Parse(args, getEnv);
        if (!options.ExtractRecipients && options.Recipients.Count == 0 && options.RcptFile is null)
        {
            stderr.WriteLine("empty recipient list");
            return ExitNoRecipients;
        }
        var mailFrom = options.MailFrom.Length > 0
            ? options.MailFrom
            : SendmailOptions.CompleteAddress(getEnv("USER") is { Length: > 0 } u ? u : "postmaster", getEnv);
        foreach (var address in options.Recipients.Prepend(mailFrom))
        {
            if (!RecipientExtractor.IsEnvelopeSafe(address))
            {
                stderr.WriteLine($"invalid address: {address}");
                return ExitNoRecipients;
            }
        }

        Stream input = stdin;
        if (options.InputFile is not null)
        {
            try
            {
                input = new FileStream(options.InputFile, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{options.InputFile}: {ex.Message}");
                return ExitInputFile;
            }
        }
        try
        {
            return Deliver(options, mailFrom, mailRoot, input, stderr, time.GetLocalNow());
        }
        finally
        {
            if (!ReferenceEquals(input, stdin)) input.Dispose();
        }
    }

    private static int Deliver(SendmailOptions options, string mailFrom, string mailRoot, Stream input, TextWriter stderr, DateTimeOffset now)
    {
        LocalMailDrop drop;
        try
        {
            drop = LocalMailDrop.Create(mailRoot, now, SafeHostName());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"cannot create a file in {Path.Combine(mailRoot, "spool", "temp")}: {ex.Message}");
            return ExitTempFile;
        }
        using (drop)
        {
            int written = WriteDrop(options, mailFrom, drop, input, stderr, now);
            return written == ExitOk ? Commit(drop, stderr) : written;
        }
    }

    /// <summary>
    /// The LMAIL file: the message goes to a side file first, because -t recipients are only known after the headers,
    /// yet they must precede the message in the drop file.
    /// </summary>
    private static int WriteDrop(SendmailOptions options, string mailFrom, LocalMailDrop drop, Stream input, TextWriter stderr, DateTimeOffset now)
    {
        FileStream data;
        try
        {
            data = new FileStream(drop.TempPath + ".data", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{drop.TempPath}.data: {ex.Message}");
            return ExitDataFile;
        }
        using (data)
        {
            var composer = new MessageComposer(options, now);
            try
            {
                composer.Copy(new LfLineReader(input), data);
            }
            catch (IOException ex)
            {
                stderr.WriteLine($"cannot write file: {data.Name}: {ex.Message}");
                return ExitWrite;
            }
            int found = CollectRecipients(options, composer, stderr, out var recipients);
            if (found != ExitOk) return found;
            try
            {
                LocalMailFile.WriteEnvelope(drop.Stream, mailFrom, recipients);
                data.Position = 0;
                data.CopyTo(drop.Stream);
            }
            catch (IOException ex)
            {
                stderr.WriteLine($"cannot write file: {drop.TempPath}: {ex.Message}");
                return ExitWrite;
            }
        }
        return ExitOk;
    }

    /// <summary>The command line's recipients, then -t's, then --rcpt-file's, without duplicates.</summary>
    private static int CollectRecipients(SendmailOptions options, MessageComposer composer, TextWriter stderr, out List<string> recipients)
    {
        recipients = new List<string>(options.Recipients);
        recipients.AddRange(composer.ExtractedRecipients);
        if (options.RcptFile is not null)
        {
            try
            {
                ReadRecipientFile(options.RcptFile, recipients);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{options.RcptFile}: {ex.Message}");
                return ExitRcptFile;
            }
        }
        recipients = recipients.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count > 0) return ExitOk;
        stderr.WriteLine("empty recipient list");
        return ExitEmptyRecipients;
    }

    /// <summary>fsync, then the rename into spool/local that hands the file to LMAIL.</summary>
    private static int Commit(LocalMailDrop drop, TextWriter stderr)
    {
        try
        {
            drop.Stream.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"cannot write file: {drop.TempPath}: {ex.Message}");
            return ExitSync;
        }
        try
        {
            drop.Commit();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"cannot move file: {drop.TempPath}: {ex.Message}");
            return ExitMove;
        }
        return ExitOk;
    }

    /// <summary>--rcpt-file: one address per line, in any of the forms a To: header accepts.</summary>
    private static void ReadRecipientFile(string path, List<string> into)
    {
        foreach (var line in File.ReadLines(path, TabFile.Bytes))
        {
            if (line.Length >= 256) continue;
            RecipientExtractor.Extract(line, into);
        }
    }

    /// <summary>The host name as one safe file-name component.</summary>
    private static string SafeHostName()
    {
        var name = SendmailOptions.HostName();
        var chars = name.Select(c => c is '/' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray();
        return new string(chars);
    }
}
