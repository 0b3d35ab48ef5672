using XMail.Fast.Delivery.Remote;
using XMail.Fast.Tests.Infrastructure;
using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Remote;

/// <summary>Outbound sessions per destination host are bounded (XMail.Fast addition; default 8); callers beyond wait.</summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private readonly FakeSmtpPeer _peer = new() { FinalReplyDelay = TimeSpan.FromMilliseconds(100) };
    private readonly RemoteHarness _h = new();

    public ConnectionLimitTests() => _h.Forwards.Add(("dest.test", _peer.HostPort));

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls a test class's DisposeAsync, and each test left its
    // MailRoot folder in /tmp and its peer's socket open.
    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _peer.DisposeAsync();
    }

    private async Task<RecipientOutcome[][]> SendConcurrently(int count)
    {
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(() => _h.SendAsync(_h.Spool("Subject: " + i + "\r\n\r\nbody\r\n"), $"u{i}@dest.test")));
        return await Task.WhenAll(tasks);
    }

    [Theory]
    [InlineData(3, 20)]
    [InlineData(1, 6)]
    public async Task Concurrent_deliveries_to_one_host_never_exceed_the_limit(int limit, int messages)
    {
        _h.MaxConnectionsPerHost = limit;
        var results = await SendConcurrently(messages).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Delivered, Assert.Single(r).Status));
        Assert.Equal(messages, _peer.Messages.Count);
        // Counted where the limit is kept: the peer sees a closed session only when it reads the close, so its own
        // count can briefly include a session the client has already closed and replaced.
        Assert.InRange(_h.Mailer.PeakSessionsPerHost, 1, limit);
        // Waiting callers reuse sessions instead of opening new ones (a session broken by a timeout on a loaded
        // machine is replaced, so this is "far fewer than one per message", not "exactly the limit").
        Assert.InRange(_peer.Connections, 1, messages - 1);
        Assert.InRange(_h.Mailer.IdleConnections, 1, limit); // every session went back to the pool
    }

    [Fact]
    public async Task Default_limit_is_eight()
    {
        Assert.Equal(8, SmtpConnectionPool.DefaultMaxConnectionsPerHost);
        var results = await SendConcurrently(40);
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Delivered, r[0].Status));
        Assert.InRange(_h.Mailer.PeakSessionsPerHost, 2, 8);
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_no_slot_away()
    {
        _h.MaxConnectionsPerHost = 1;
        _peer.FinalReplyDelay = TimeSpan.FromMilliseconds(500);
        var first = _h.SendAsync(_h.Spool("Subject: 1\r\n\r\nbody\r\n"), "a@dest.test");
        Assert.True(await TestServer.WaitUntilAsync(() => _peer.Connections == 1));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Mailer.SendAsync(_h.Spool("Subject: 2\r\n\r\nbody\r\n"), ["b@dest.test"], null, cts.Token));
        Assert.Equal(DeliveryStatus.Delivered, (await first)[0].Status);
        _peer.FinalReplyDelay = TimeSpan.Zero;
        Assert.Equal(DeliveryStatus.Delivered, (await _h.SendAsync(_h.Spool("Subject: 3\r\n\r\nbody\r\n"), "c@dest.test"))[0].Status);
        Assert.Equal(1, _peer.Connections);
    }

    [Fact]
    public async Task Failed_sessions_give_their_slot_back()
    {
        _h.MaxConnectionsPerHost = 1;
        _peer.FinalReplyDelay = TimeSpan.Zero;
        _peer.DropAt = "MAIL";
        for (int i = 0; i < 3; i++)
            Assert.Equal(DeliveryStatus.TemporaryFailure, (await _h.SendAsync(_h.Spool("Subject: x\r\n\r\nbody\r\n"), "a@dest.test"))[0].Status);
        _peer.DropAt = null;
        // A leaked slot would leave these waiting for ever.
        var results = await SendConcurrently(4).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.Delivered, r[0].Status));
    }
}
