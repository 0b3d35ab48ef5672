using System.Collections.Concurrent;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Idle, ready-to-use sessions (greeting, EHLO, STARTTLS and AUTH done) kept per server and TLS/auth/bind
/// settings, so queued messages to the same host reuse a connection instead of paying for a new session each.
/// Bounded per key; connections idle longer than <see cref="IdleTimeout"/> or closed by the peer are dropped.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentStack<SmtpClientConnection>> _idle = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private int _disposed;

    public SmtpConnectionPool(TimeProvider time, TimeSpan idleTimeout, int maxIdlePerKey)
    {
        _time = time;
        IdleTimeout = idleTimeout;
        MaxIdlePerKey = maxIdlePerKey;
        var period = idleTimeout < TimeSpan.FromSeconds(10) ? idleTimeout : TimeSpan.FromSeconds(10);
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public TimeSpan IdleTimeout { get; }
    public int MaxIdlePerKey { get; }

    public int IdleCount => _idle.Values.Sum(s => s.Count);

    public bool TryTake(string key, out SmtpClientConnection connection)
    {
        if (_idle.TryGetValue(key, out var stack))
        {
            while (stack.TryPop(out var c))
            {
                if (!Expired(c) && c.LooksAlive())
                {
                    connection = c;
                    return true;
                }
                _ = c.DisposeAsync();
            }
        }
        connection = null!;
        return false;
    }

    public void Return(string key, SmtpClientConnection connection)
    {
        if (connection.IsBroken || Volatile.Read(ref _disposed) != 0)
        {
            _ = connection.QuitAsync();
            return;
        }
        var stack = _idle.GetOrAdd(key, static _ => new ConcurrentStack<SmtpClientConnection>());
        if (stack.Count >= MaxIdlePerKey)
        {
            _ = connection.QuitAsync();
            return;
        }
        connection.LastUsedTimestamp = _time.GetTimestamp();
        stack.Push(connection);
    }

    private bool Expired(SmtpClientConnection c) => _time.GetElapsedTime(c.LastUsedTimestamp) > IdleTimeout;

    private void Sweep()
    {
        foreach (var (_, stack) in _idle)
        {
            if (stack.IsEmpty) continue;
            var keep = new List<SmtpClientConnection>();
            while (stack.TryPop(out var c))
            {
                if (Expired(c) || !c.LooksAlive()) _ = c.QuitAsync();
                else keep.Add(c);
            }
            for (int i = keep.Count - 1; i >= 0; i--) stack.Push(keep[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _sweeper.Dispose();
        var all = new List<Task>();
        foreach (var (_, stack) in _idle)
            while (stack.TryPop(out var c)) all.Add(c.QuitAsync().AsTask());
        await Task.WhenAll(all).ConfigureAwait(false);
    }
}
