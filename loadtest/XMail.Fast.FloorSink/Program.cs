using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XMail.Fast.FloorSink;

// The floor under XMail.Fast's SMTP accept rate on this machine: the least an SMTP server on Kestrel can do per
// message, with no policy, spool format, logging or delivery. By default it accepts and discards (like Postfix's
// smtp-sink). --spool DIR streams each message to its own file in DIR/temp and answers 250 only after XMail.Fast's
// own group commit (SpoolCommitter: pipelined syncfs, rename into DIR/mess) made it durable. --journal DIR appends
// every message to one preallocated file made durable by a shared fdatasync: the cheapest durable design.
// --raw serves the same dialogue from a plain socket accept loop instead of Kestrel.
//   XMail.Fast.FloorSink --port N [--spool DIR | --journal DIR] [--raw 1]
int port = 0;
bool raw = false;
IMessageStore? store = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": if (!int.TryParse(args[i + 1], out port)) port = 0; break;
        case "--spool": store = new SpoolFileStore(args[i + 1]); break;
        case "--journal": store = new JournalStore(args[i + 1]); break;
        case "--raw": raw = args[i + 1] == "1"; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
if (port <= 0 || args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: XMail.Fast.FloorSink --port N [--spool DIR | --journal DIR] [--raw 1]");
    return 2;
}

using var storeLifetime = store;
if (raw)
{
    Console.WriteLine($"floor sink (plain sockets) on 127.0.0.1:{port} ({store?.GetType().Name ?? "discard"})");
    await RawSocketListener.RunAsync(port, store);
    return 0;
}
var host = Host.CreateDefaultBuilder()
    .ConfigureLogging(l => l.ClearProviders())
    .ConfigureServices(s => s.AddSingleton(new SinkOptions(store)))
    .ConfigureWebHost(w => w
        .UseKestrel(k => k.Listen(IPAddress.Loopback, port, lo => lo.UseConnectionHandler<SinkConnectionHandler>()))
        .Configure(_ => { }))
    .Build();
Console.WriteLine($"floor sink on 127.0.0.1:{port} ({store?.GetType().Name ?? "discard"})");
await host.RunAsync();
return 0;
