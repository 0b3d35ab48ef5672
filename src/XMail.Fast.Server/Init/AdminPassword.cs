using System.Text;
using XMail.Fast.Server.Startup;

namespace XMail.Fast.Server.Init;

/// <summary>
/// The first admin's password for --init: the first line of --password-file (a container secret), else one line of
/// standard input (a pipe, or typed at a terminal without echo, twice). Never a command-line argument, which every
/// user of the machine can read in the process list.
/// </summary>
internal static class AdminPassword
{
    public static string Read(string? passwordFile, string admin)
    {
        string? password = passwordFile is not null ? FromFile(passwordFile)
            : Console.IsInputRedirected ? Console.In.ReadLine()
            : FromTerminal(admin);
        password = password?.TrimEnd('\r', '\n');
        if (string.IsNullOrEmpty(password))
            throw new StartupFailure(ExitCodes.Usage, $"--init: no password for {admin}; give it as one line on stdin or in --password-file FILE");
        if (password.Any(c => c > 0xFF || char.IsControl(c)))
            throw new StartupFailure(ExitCodes.Usage, $"--init: the password for {admin} has control or non-Latin-1 characters, which CTRL clients cannot send");
        return password;
    }

    private static string FromFile(string path)
    {
        try
        {
            using var reader = new StreamReader(path, Encoding.Latin1);
            return reader.ReadLine() ?? "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailure(ExitCodes.Usage, $"--init: cannot read --password-file {path}: {ex.Message}");
        }
    }

    private static string FromTerminal(string admin)
    {
        var first = Prompt($"Password for CTRL account {admin}: ");
        var second = Prompt("Again: ");
        if (first != second) throw new StartupFailure(ExitCodes.Usage, "--init: the two passwords differ; nothing was changed");
        return first;
    }

    private static string Prompt(string text)
    {
        Console.Error.Write(text);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
