namespace XMail.Fast.Tools.Sendmail;

/// <summary>
/// sendmail's command line as XMail 1.27's SendMail.cpp reads it: options until "--" or the first word
/// that is not one, then recipients. Unknown "-x" words are ignored (the spec: "other options are simply ignored").
/// </summary>
public sealed class SendmailOptions
{
    /// <summary>Envelope sender; defaults to USER@DEFAULT_DOMAIN (or the host name).</summary>
    public string MailFrom { get; private set; } = "";

    /// <summary>-F: the display form used for an added From: header ("Name &lt;addr&gt;" or a bare name).</summary>
    public string ExtMailFrom { get; private set; } = "";

    public bool ExtractRecipients { get; private set; }

    /// <summary>Without -i / -oi a line holding only "." ends the message.</summary>
    public bool DotMode { get; private set; } = true;

    public string? InputFile { get; private set; }

    /// <summary>--xinput-file: the input is an XMail spool file; the message starts after "&lt;&lt;MAIL-DATA&gt;&gt;".</summary>
    public bool XMailFormat { get; private set; }

    public string? RcptFile { get; private set; }

    /// <summary>Command-line recipients, completed with @DEFAULT_DOMAIN when they have no domain.</summary>
    public IReadOnlyList<string> Recipients { get; private set; } = [];

    /// <summary>Sendmail switches that take a value in the next word; the value is skipped with them.</summary>
    private static readonly string[] SwitchesWithValue = ["-L", "-O", "-R", "-X", "-V", "-N", "-B", "-C", "-h", "-p"];

    public static SendmailOptions Parse(IReadOnlyList<string> args, Func<string, string?> getEnv)
    {
        var o = new SendmailOptions { MailFrom = DefaultSender(getEnv) };
        int i = 0;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { i++; break; }
            if (a == "--rcpt-file") { if (++i < args.Count) o.RcptFile = args[i]; }
            else if (a == "--xinput-file") { if (++i < args.Count) { o.InputFile = args[i]; o.XMailFormat = true; } }
            else if (a == "--input-file") { if (++i < args.Count) { o.InputFile = args[i]; o.XMailFormat = false; } }
            else if (a is "-i" or "-oi") o.DotMode = false;
            else if (a == "-t") o.ExtractRecipients = true;
            else if (a.StartsWith("-f", StringComparison.Ordinal) || a.StartsWith("-r", StringComparison.Ordinal))
            {
                // -r is sendmail's old spelling of -f; XMail 1.27 took it as a recipient, which mailed "-r".
                string? value = a.Length > 2 ? a[2..] : (++i < args.Count ? args[i] : null);
                if (value is not null) o.MailFrom = CompleteAddress(value, getEnv);
            }
            else if (a.StartsWith("-F", StringComparison.Ordinal))
            {
                string? value = a.Length > 2 ? a[2..] : (++i < args.Count ? args[i] : null);
                if (value is null) continue;
                o.ExtMailFrom = value;
                int open = value.IndexOf('<');
                string addr = value;
                if (open >= 0)
                {
                    addr = value[(open + 1)..];
                    int close = addr.IndexOf('>');
                    if (close >= 0) addr = addr[..close];
                }
                o.MailFrom = CompleteAddress(addr, getEnv);
            }
            else if (SwitchesWithValue.Contains(a) || a.StartsWith("-qG", StringComparison.Ordinal) || a.StartsWith("-q!", StringComparison.Ordinal))
            {
                i++;
            }
            else if (a.Length > 1 && a[0] == '-') { /* -o..., -v, -bm, -odi ...: ignored */ }
            else break;
        }
        o.Recipients = args.Skip(Math.Min(i, args.Count)).Select(r => CompleteAddress(r, getEnv)).ToArray();
        return o;
    }

    /// <summary>SendMail.cpp's CopyAddress: a name without '@' gets "@$DEFAULT_DOMAIN" when that variable is set.</summary>
    public static string CompleteAddress(string address, Func<string, string?> getEnv)
    {
        var domain = getEnv("DEFAULT_DOMAIN");
        return address.Contains('@') || string.IsNullOrEmpty(domain) ? address : address + "@" + domain;
    }

    /// <summary>The user running sendmail at DEFAULT_DOMAIN, else at this host, as XMail 1.27's SysGetUserAddress.</summary>
    public static string DefaultSender(Func<string, string?> getEnv)
    {
        var user = getEnv("USER");
        if (string.IsNullOrEmpty(user)) user = Environment.UserName;
        if (string.IsNullOrEmpty(user)) user = "mail";
        var domain = getEnv("DEFAULT_DOMAIN");
        if (string.IsNullOrEmpty(domain)) domain = getEnv("HOSTNAME");
        if (string.IsNullOrEmpty(domain)) domain = HostName();
        return user + "@" + domain;
    }

    internal static string HostName()
    {
        try
        {
            var name = System.Net.Dns.GetHostName();
            return string.IsNullOrEmpty(name) ? "localhost" : name;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
