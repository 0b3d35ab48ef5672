using XMail.Fast.Core;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>
/// CtrlClnt end to end. Exit codes are XMail 1.27's: 0 success, 3 bad usage (usage text on stderr),
/// 4 any failure — an error reply from the server, a connection, TLS or file problem — with the reason on stderr.
/// </summary>
public static class CtrlClntRunner
{
    public const int ExitOk = 0;
    public const int ExitUsage = 3;
    public const int ExitError = 4;

    public static int Run(IReadOnlyList<string> args, Func<string, string?> getEnv, Stream stdin, Stream stdout, TextWriter stderr)
    {
        var options = CtrlClntOptions.Parse(args, getEnv);
        if (options is null)
        {
            stderr.Write(CtrlClntOptions.Usage);
            return ExitUsage;
        }
        if (options.HasKeyCertMismatch)
        {
            stderr.WriteLine("Either none or both private key and certificate file must be supplied");
            return ExitError;
        }
        foreach (var field in options.Command)
        {
            if (!TabParser.IsStorable(field))
            {
                stderr.WriteLine($"CtrlClnt: a command parameter cannot contain '\"', TAB, CR or LF: {field}");
                return ExitError;
            }
        }
        try
        {
            using var client = CtrlClient.Connect(options, options.Debug ? stderr : null);
            try
            {
                Execute(client, options, stdin, stdout);
            }
            finally
            {
                client.Quit();
            }
            return ExitOk;
        }
        catch (CtrlClntException ex)
        {
            stderr.Write(ex.Report);
            return ExitError;
        }
    }

    private static void Execute(CtrlClient client, CtrlClntOptions options, Stream stdin, Stream stdout)
    {
        var reply = client.Submit(TabParser.Format(options.Command.Select(CtrlLineStream.ToWire).ToArray()));
        if (reply.IsError) throw CtrlClntException.ServerError(reply);
        if (reply.Code == CtrlReply.ListFollows)
        {
            using var output = options.IoFile is null ? null : OpenIoFile(options.IoFile, write: true);
            client.ReceiveListing(output ?? stdout);
            (output ?? stdout).Flush();
        }
        else if (reply.Code == CtrlReply.WaitData)
        {
            using var input = options.IoFile is null ? null : OpenIoFile(options.IoFile, write: false);
            var final = client.SendUpload(input ?? stdin);
            // XMail 1.27 ignored this reply and exited 0 even when the upload was refused.
            if (final.IsError) throw CtrlClntException.ServerError(final);
        }
    }

    private static FileStream OpenIoFile(string path, bool write)
    {
        try
        {
            return write ? new FileStream(path, FileMode.Create, FileAccess.Write) : new FileStream(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw write
                ? new CtrlClntException(ErrorCode.FileCreate, "Unable to create file", $"{path}: {ex.Message}")
                : new CtrlClntException(ErrorCode.FileOpen, "Unable to open file", $"{path}: {ex.Message}");
        }
    }
}
