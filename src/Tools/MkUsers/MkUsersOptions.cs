using System.Globalization;

namespace XMail.Fast.Tools.MkUsers;

/// <summary>MkUsers' switches ("MkUsers" section), parsed like XMail 1.27's MkUsers.cpp: words not starting with '-' are ignored.</summary>
public sealed class MkUsersOptions
{
    public const int DefaultMaxMBSize = 10000;

    /// <summary>-a: users to generate in auto mode; 0 reads the list from -f or stdin.</summary>
    public int AutoUsers { get; private set; }
    public string AutoDomain { get; private set; } = "mkuser.net";
    public string AutoUserRadix { get; private set; } = "mkuser";
    public string? InputFile { get; private set; }
    public string RootDir { get; private set; } = "." + Path.DirectorySeparatorChar;
    public long MaxMBSize { get; private set; } = DefaultMaxMBSize;
    public long FirstUserId { get; private set; } = 1;
    public bool Maildir { get; private set; }
    public bool ShowHelp { get; private set; }

    /// <summary>Returns null on bad usage (unknown switch, a number that is not one, user id 0 which XMail reserves).</summary>
    public static MkUsersOptions? Parse(IReadOnlyList<string> args)
    {
        var o = new MkUsersOptions();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length == 0 || arg[0] != '-') continue;
            switch (arg.Length > 1 ? arg[1] : '\0')
            {
                case 'a':
                    if (++i < args.Count)
                    {
                        if (!TryParseNumber(args[i], out var n) || n > int.MaxValue) return null;
                        o.AutoUsers = (int)n;
                    }
                    break;
                case 'd': if (++i < args.Count) o.AutoDomain = args[i]; break;
                case 'f': if (++i < args.Count) o.InputFile = args[i].Length > 0 ? args[i] : null; break;
                case 'u': if (++i < args.Count) o.AutoUserRadix = args[i]; break;
                case 'r': if (++i < args.Count && args[i].Length > 0) o.RootDir = args[i]; break;
                case 's':
                    if (++i < args.Count)
                    {
                        if (!TryParseNumber(args[i], out var size)) return null;
                        o.MaxMBSize = size;
                    }
                    break;
                case 'i':
                    if (++i < args.Count)
                    {
                        if (!TryParseNumber(args[i], out var id) || id == 0 || id > int.MaxValue) return null;
                        o.FirstUserId = id;
                    }
                    break;
                case 'm': o.Maildir = true; break;
                case 'h': o.ShowHelp = true; return o;
                default: return null;
            }
        }
        return o;
    }

    public const string Usage =
        "use : MkUsers [-adfursimh]\n" +
        "          -a numusers     = number of users to create in auto-mode\n" +
        "          -d domain       = domain name in auto-mode\n" +
        "          -f inputFile    = input file name {stdin}\n" +
        "          -u username     = radix user name in auto-mode\n" +
        "          -r rootdir      = mail root path {./}\n" +
        "          -s mboxsize     = mailbox maximum size {10000}\n" +
        "          -i useridbase   = base user id {1}\n" +
        "          -m              = create Maildir boxes\n" +
        "          -h              = show this message\n";

    private static bool TryParseNumber(string s, out long value) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
}
