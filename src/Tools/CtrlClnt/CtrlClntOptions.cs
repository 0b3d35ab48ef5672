using System.Globalization;

namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>
/// CtrlClnt's command line, parsed exactly as XMail 1.27's CTRLClnt.cpp: options come first, each a
/// separate "-x" word (values in the next word); the first word not starting with '-' begins the command.
/// </summary>
public sealed class CtrlClntOptions
{
    public const int DefaultPort = 6017;
    public const int DefaultTimeoutSeconds = 60;

    public string Server { get; private set; } = "";
    public int Port { get; private set; } = DefaultPort;
    public string User { get; private set; } = "";
    public string Password { get; private set; } = "";
    public int TimeoutSeconds { get; private set; } = DefaultTimeoutSeconds;

    /// <summary>-f: where a +00100 listing is written and where a +00101 upload is read from (stdout/stdin when null).</summary>
    public string? IoFile { get; private set; }

    /// <summary>-c turns it off: the password is then sent in clear text.</summary>
    public bool UseMd5 { get; private set; } = true;

    public CtrlTlsMode Tls { get; private set; } = CtrlTlsMode.None;
    public string? KeyFile { get; private set; }
    public string? CertFile { get; private set; }
    public string? CaFile { get; private set; }
    public string? CaPath { get; private set; }
    public bool Debug { get; private set; }

    /// <summary>The command word and its parameters, as given.</summary>
    public IReadOnlyList<string> Command { get; private set; } = [];

    /// <summary>
    /// Parses <paramref name="args"/>; returns null on bad usage (unknown switch, missing server, user,
    /// password or command, a port or timeout that is not a number), which CtrlClnt answers with the usage text and exit 3.
    /// </summary>
    public static CtrlClntOptions? Parse(IReadOnlyList<string> args, Func<string, string?> getEnv)
    {
        var o = new CtrlClntOptions
        {
            KeyFile = NullIfEmpty(getEnv("CTRL_KEY_FILE")),
            CertFile = NullIfEmpty(getEnv("CTRL_CERT_FILE")),
            CaFile = NullIfEmpty(getEnv("CTRL_CA_FILE")),
            CaPath = NullIfEmpty(getEnv("CTRL_CA_PATH")),
        };
        int i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length == 0 || arg[0] != '-') break;
            char sw = arg.Length > 1 ? arg[1] : '\0';
            switch (sw)
            {
                case 's': if (++i < args.Count) o.Server = args[i]; break;
                case 'n':
                    if (++i < args.Count)
                    {
                        if (!TryParsePositive(args[i], out var port) || port > 65535) return null;
                        o.Port = port;
                    }
                    break;
                case 'u': if (++i < args.Count) o.User = args[i]; break;
                case 'p': if (++i < args.Count) o.Password = args[i]; break;
                case 't':
                    if (++i < args.Count)
                    {
                        if (!TryParsePositive(args[i], out var timeout)) return null;
                        o.TimeoutSeconds = timeout;
                    }
                    break;
                case 'f': if (++i < args.Count) o.IoFile = NullIfEmpty(args[i]); break;
                case 'c': o.UseMd5 = false; break;
                case 'S': o.Tls = CtrlTlsMode.InBandSwitch; break;
                case 'L': o.Tls = CtrlTlsMode.Native; break;
                case 'K': if (++i < args.Count) o.KeyFile = NullIfEmpty(args[i]); break;
                case 'C': if (++i < args.Count) o.CertFile = NullIfEmpty(args[i]); break;
                case 'X': if (++i < args.Count) o.CaFile = NullIfEmpty(args[i]); break;
                case 'H': if (++i < args.Count) o.CaPath = NullIfEmpty(args[i]); break;
                case 'D': o.Debug = true; break;
                default: return null;
            }
        }
        if (o.Server.Length == 0 || o.User.Length == 0 || o.Password.Length == 0 || i >= args.Count) return null;
        o.Command = args.Skip(i).ToArray();
        return o;
    }

    /// <summary>XMail 1.27 refuses a key without a certificate (and the reverse) before connecting.</summary>
    public bool HasKeyCertMismatch => (KeyFile is null) != (CertFile is null);

    /// <summary>True when the server certificate must be verified (-X / -H or their environment variables).</summary>
    public bool VerifyServerCertificate => CaFile is not null || CaPath is not null;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public const string Usage =
        "use :  CtrlClnt  [-snuptfSLcKCXHD]  ...\n" +
        "options :\n" +
        "       -s server        = set server address\n" +
        "       -n port          = set server port [6017]\n" +
        "       -u user          = set username\n" +
        "       -p pass          = set password\n" +
        "       -t timeout       = set timeout [60]\n" +
        "       -f filename      = set I/O filename [stdin/stdout]\n" +
        "       -S               = enable SSL link negotiation\n" +
        "       -L               = use native SSL link\n" +
        "       -K filename      = set the SSL private key file\n" +
        "       -C filename      = set the SSL certificate file\n" +
        "       -X filename      = set the SSL certificate-list file\n" +
        "       -H dir           = set the SSL certificate-store directory\n" +
        "       -c               = disable MD5 authentication\n" +
        "       -D               = enable debug\n";

    private static bool TryParsePositive(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
