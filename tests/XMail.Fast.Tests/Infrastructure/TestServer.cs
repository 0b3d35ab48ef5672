using System.Net;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Server;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// The real server, in-process, on a throwaway MailRoot with every service on 127.0.0.1 port 0.
/// <c>configure</c> may change switches before start (e.g. o => o.SmtpMaxRecipients = 5).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(TempMailRoot root, XMailServer server)
    {
        Root = root;
        Server = server;
    }

    public TempMailRoot Root { get; }
    public XMailServer Server { get; }
    public MailServerContext Context => Server.Context;

    public int Port(string service) => Server.Port(service);

    /// <param name="root">A prepared MailRoot to serve (taken over and deleted on dispose); default: a copy of the XMail 1.27 template.</param>
    public static async Task<TestServer> StartAsync(Action<XMailOptions>? configure = null, Action<TempMailRoot>? prepare = null, TempMailRoot? root = null)
    {
        root ??= new TempMailRoot();
        prepare?.Invoke(root);
        var o = new XMailOptions { MailRootPath = root.Path };
        foreach (var svc in new[] { o.Smtp, o.Smtps, o.Pop3, o.Pop3s, o.Finger, o.Ctrl, o.Ctrls })
            svc.Bind.Add(new IPEndPoint(IPAddress.Loopback, 0)); // port 0 in -XI means "use -Xp"
        foreach (var svc in new[] { o.Smtp, o.Smtps, o.Pop3, o.Pop3s, o.Finger, o.Ctrl, o.Ctrls }) svc.Port = 0;
        o.PsyncIntervalSeconds = 0;
        o.SmailRetryTimeoutSeconds = 1;
        configure?.Invoke(o);
        try
        {
            // XMF_TEST_LOG=1 shows the server log on the console while debugging a test.
            var server = await XMailServer.StartAsync(o, lb =>
            {
                if (Environment.GetEnvironmentVariable("XMF_TEST_LOG") == "1") lb.AddSimpleConsole(c => c.SingleLine = true);
                else lb.AddFilter(_ => false);
            });
            return new TestServer(root, server);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (never a blind sleep).</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Root.Dispose();
    }
}
