using System.Text;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tools.XMCrypt;

/// <summary>
/// XMCrypt.cpp: <c>XMCrypt password</c> prints the encoded password for mailusers.tab / ctrlaccounts.tab.
/// Exit 0 on success; 1 with a usage line when no password is given (as XMail 1.27).
/// </summary>
public static class XMCryptCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length < 1)
        {
            // XMail 1.27 printed this on stdout; stderr keeps `PW=$(XMCrypt)` from capturing the usage text.
            stderr.WriteLine("usage : XMCrypt  password");
            return ExitUsage;
        }
        stdout.WriteLine(Core.Security.XMCrypt.Encode(ArgBytes(args[0])));
        return ExitOk;
    }

    /// <summary>The C tool XOR-ed the argument's bytes (UTF-8 on Linux); Core encodes Latin-1 chars as bytes.</summary>
    internal static string ArgBytes(string arg) => TabFile.Bytes.GetString(Encoding.UTF8.GetBytes(arg));
}
