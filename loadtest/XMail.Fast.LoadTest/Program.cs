using XMail.Fast.LoadTest;

// XMail.Fast load generator. Usage:
//   XMail.Fast.LoadTest smtp --host 127.0.0.1 --port 25 --sessions 20 --messages 5000 --size 1024
//                            [--to user@domain] [--from a@example.org] [--pipelining] [--starttls] [--per-connection K]
//                            [--message FILE]  (send that message instead of a generated one)
//   XMail.Fast.LoadTest connections --port 25 --connections 10000 [--pid SERVER_PID] [--timeout 60]
if (args.Length == 0 || args[0] is not ("smtp" or "connections"))
{
    Console.Error.WriteLine("usage: XMail.Fast.LoadTest smtp --port N [--host H] [--sessions N] [--messages M] [--size S] [--to ADDR] [--pipelining] [--starttls]");
    Console.Error.WriteLine("       XMail.Fast.LoadTest connections --port N [--host H] [--connections N] [--pid SERVER_PID] [--timeout S]");
    return 2;
}
var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (int i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--")) continue;
    var key = args[i][2..];
    options[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "1";
}
return args[0] == "smtp" ? await SmtpLoad.RunAsync(options) : await ConnectionLoad.RunAsync(options);
