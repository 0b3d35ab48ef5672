using System.Net;

namespace XMail.Fast.Core.Config;

/// <summary>
/// Parses XMail's switches ("COMMAND LINE"): -Ms path, -Md, -Qn 16, -SI 127.0.0.1:25 ... plus MAIL_CMD_LINE
/// (appended, as XMail does). An unknown switch or a bad value is an error with the switch named.
/// </summary>
public static class XMailCommandLine
{
    public static XMailOptions Parse(IReadOnlyList<string> args, XMailOptions? into = null)
    {
        var o = into ?? new XMailOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.Length < 3 || a[0] != '-') throw new ArgumentException($"unexpected argument '{a}'");
            char group = a[1];
            string sw = a[2..];

            string Next()
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"switch {a} needs a value");
                return args[++i];
            }
            int NextInt()
            {
                var v = Next();
                return int.TryParse(v, out int n) ? n : throw new ArgumentException($"switch {a}: '{v}' is not a number");
            }

            ServiceOptions? svc = group switch
            {
                'P' => o.Pop3, 'B' => o.Pop3s, 'S' => o.Smtp, 'X' => o.Smtps, 'F' => o.Finger, 'C' => o.Ctrl, 'W' => o.Ctrls, _ => null,
            };

            switch (group, sw)
            {
                case ('M', "s"): o.MailRootPath = Next(); break;
                case ('M', "d"): o.Debug = true; break;
                case ('M', "r"): o.LogRotateHours = NextInt(); break;
                case ('M', "x"): o.SplitLevel = NextPrime(Math.Max(1, NextInt())); break;
                case ('M', "R"): o.ReceiveBufferBytes = RoundKb(NextInt()); break;
                case ('M', "S"): o.SendBufferBytes = RoundKb(NextInt()); break;
                case ('M', "M"): o.UseMaildir = true; break;
                case ('M', "m"): o.UseMaildir = false; break;
                case ('M', "D"): o.DnsCacheDirs = NextInt(); break;
                case ('M', "4"): o.IpResolveMode = 4; break;
                case ('M', "5"): o.IpResolveMode = 5; break;
                case ('M', "6"): o.IpResolveMode = 6; break;
                case ('M', "7"): o.IpResolveMode = 7; break;

                case ('P', "w"): o.Pop3BadLoginWaitSeconds = NextInt(); break;
                case ('P', "h"): o.Pop3HangOnBadLogin = true; break;
                case ('S', "r"): o.SmtpMaxRecipients = NextInt(); break;
                case ('S', "e"): o.Pop3AuthExpireSeconds = NextInt(); break;

                case ('Q', "n"): o.SmailThreads = Math.Clamp(NextInt(), 1, 256); break;
                case ('Q', "t"): o.SmailRetryTimeoutSeconds = NextInt(); break;
                case ('Q', "i"): o.SmailRetryIncrRatio = NextInt(); break;
                case ('Q', "r"): o.SmailMaxRetries = NextInt(); break;
                case ('Q', "l"): o.SmailLog = true; break;
                case ('Q', "T"): o.FilterTimeoutSeconds = NextInt(); break;
                case ('Q', "g"): o.FilterLog = true; break;

                case ('Y', "-"): o.PsyncEnabled = false; break;
                case ('Y', "i"): o.PsyncIntervalSeconds = NextInt(); break;
                case ('Y', "t"): o.PsyncThreads = Math.Max(1, NextInt()); break;
                case ('Y', "T"): o.PsyncTimeoutSeconds = NextInt(); break;
                case ('Y', "l"): o.PsyncLog = true; break;

                case ('L', "n"): o.LmailThreads = Math.Max(1, NextInt()); break;
                case ('L', "t"): o.LmailSleepSeconds = NextInt(); break;
                case ('L', "l"): o.LmailLog = true; break;

                case (_, "-") when svc is not null: svc.Enabled = false; break;
                case (_, "6") when svc is not null: svc.IPv6 = true; break;
                case (_, "p") when svc is not null: svc.Port = NextInt(); break;
                case (_, "I") when svc is not null: svc.Bind.Add(ParseBind(Next(), a)); break;
                case (_, "t") when svc is not null && group is 'P' or 'S' or 'C': svc.TimeoutSeconds = NextInt(); break;
                case (_, "l") when svc is not null && group is 'P' or 'S' or 'C' or 'F': svc.Log = true; break;
                case (_, "X") when svc is not null && group is 'P' or 'S' or 'C': svc.MaxSessions = Math.Max(1, NextInt()); break;
                default: throw new ArgumentException($"unknown switch {a}");
            }
        }
        return o;
    }

    /// <summary>Splits a MAIL_CMD_LINE value on white space.</summary>
    public static string[] SplitEnvironment(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static IPEndPoint ParseBind(string text, string sw)
    {
        if (IPEndPoint.TryParse(text, out var ep)) return ep;
        if (IPAddress.TryParse(text.Trim('[', ']'), out var ip)) return new IPEndPoint(ip, 0);
        throw new ArgumentException($"switch {sw}: '{text}' is not ip[:port]");
    }

    private static int RoundKb(int bytes) => (bytes + 1023) / 1024 * 1024;

    /// <summary>-Mx: "rounded to the lower prime number higher or equal than the value".</summary>
    public static int NextPrime(int n)
    {
        for (int c = Math.Max(2, n); ; c++)
        {
            bool prime = true;
            for (int d = 2; d * d <= c; d++)
                if (c % d == 0) { prime = false; break; }
            if (prime) return c;
        }
    }
}
