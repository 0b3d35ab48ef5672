using System.Collections.Concurrent;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Outbound SMTP sessions per destination host (IP:port). At most <see cref="MaxConnectionsPerHost"/> sessions
/// to one host exist at a time, in use or idle: a burst of messages to one domain must not open hundreds of
/// sockets to its MX (receivers throttle or blacklist that), so callers beyond the limit wait for a session or
/// a slot instead. Idle, ready-to-use sessions (greeting, EHLO, STARTTLS and AUTH done) are kept per key (host
/// plus TLS/auth/bind settings) and handed straight to a waiter with the same key; an idle session of another
/// key gives its slot up when a caller needs one. Sessions idle longer than <see cref="IdleTimeout"/> or closed
/// by the peer are dropped. XMail 1.27 has no such setting; the limit is a constructor option of RemoteMailer
/// (default <see cref="DefaultMaxConnectionsPerHost"/>).
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    public const int DefaultMaxConnectionsPerHost = 8;

    private readonly ConcurrentDictionary<string, HostSlots> _hosts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private int _disposed;

    public SmtpConnectionPool(TimeProvider time, TimeSpan idleTimeout, int maxIdlePerKey, int maxConnectionsPerHost = DefaultMaxConnectionsPerHost)
    {
        _time = time;
        IdleTimeout = idleTimeout;
        MaxIdlePerKey = maxIdlePerKey;
        MaxConnectionsPerHost = Math.Max(1, maxConnectionsPerHost);
        var period = idleTimeout < TimeSpan.FromSeconds(10) ? idleTimeout : TimeSpan.FromSeconds(10);
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public TimeSpan IdleTimeout { get; }
    public int MaxIdlePerKey { get; }
    public int MaxConnectionsPerHost { get; }

    public int IdleCount => _hosts.Values.Sum(h => Volatile.Read(ref h.IdleCount));

    /// <summary>The most sessions (open or being closed) one host has held at once: never above the limit.</summary>
    public int PeakSessionsPerHost => Volatile.Read(ref _peakOpen);
    private int _peakOpen; // written under a host's lock; hosts race only to raise it

    /// <summary>
    /// A live idle session for <paramref name="key"/>, or null: the caller then holds one of the host's slots and
    /// must either open a session (and later <see cref="Return"/> it) or give the slot back with <see cref="Release"/>.
    /// Waits while the host has no free slot.
    /// </summary>
    public async ValueTask<SmtpClientConnection?> AcquireAsync(string host, string key, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var h = _hosts.GetOrAdd(host, static _ => new HostSlots());
            SmtpClientConnection? close = null;
            Waiter? waiter = null;
            lock (h)
            {
                if (h.Removed) continue; // swept away just now: take the fresh one
                if (h.TryTakeIdle(key, out var c))
                {
                    if (!Expired(c) && c.LooksAlive()) return c;
                    close = c; // dead while idle: its slot is free once it is closed
                }
                else if (h.Open < MaxConnectionsPerHost)
                {
                    h.Open++;
                    if (h.Open > _peakOpen) _peakOpen = h.Open;
                    return null;
                }
                else h.TryTakeOldestIdle(out close); // another key's idle session gives its slot up
                waiter = new Waiter(key, h);
                h.Waiters.AddLast(waiter);
            }
            // A slot changes hands only after its old session is closed: the host never sees more than the limit.
            if (close is not null) _ = CloseAndFreeSlotAsync(close, host);
            using (ct.Register(static s => ((Waiter)s!).Cancel(), waiter))
                return await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Hands a session back after use: to a waiter of the same key, else idle (or closed when broken or surplus).</summary>
    public void Return(string host, string key, SmtpClientConnection connection)
    {
        if (connection.IsBroken || Volatile.Read(ref _disposed) != 0 || !_hosts.TryGetValue(host, out var h))
        {
            _ = CloseAndFreeSlotAsync(connection, host);
            return;
        }
        bool close = false;
        lock (h)
        {
            if (h.TryDequeueWaiter(key, out var same)) same.TrySetResult(connection);
            // Another key waits (it needs the slot more than this session needs to idle), or idle is full: close it.
            else if (h.HasWaiter || h.IdleCountFor(key) >= MaxIdlePerKey) close = true;
            else
            {
                connection.LastUsedTimestamp = _time.GetTimestamp();
                h.AddIdle(key, connection);
            }
        }
        if (close) _ = CloseAndFreeSlotAsync(connection, host);
    }

    /// <summary>Closes a session, then frees its slot (to a waiter first): a slot never has two sockets at once.</summary>
    private async Task CloseAndFreeSlotAsync(SmtpClientConnection connection, string host)
    {
        try { await connection.QuitAsync().ConfigureAwait(false); }
        catch { /* closing is best effort; the slot is free either way */ }
        Release(host);
    }

    /// <summary>The session of a slot is gone (open failed, broken, disposed by the caller): the slot is free again.</summary>
    public void Release(string host)
    {
        if (!_hosts.TryGetValue(host, out var h)) return;
        lock (h)
        {
            if (h.TryDequeueWaiter(null, out var w)) w.TrySetResult(null);
            else if (h.Open > 0) h.Open--;
        }
    }

    private bool Expired(SmtpClientConnection c) => _time.GetElapsedTime(c.LastUsedTimestamp) > IdleTimeout;

    private void Sweep()
    {
        var close = new List<SmtpClientConnection>();
        foreach (var (host, h) in _hosts)
        {
            lock (h)
            {
                h.RemoveIdle(c => Expired(c) || !c.LooksAlive(), close); // their slots are freed once closed
                if (h.Open == 0 && h.Waiters.Count == 0)
                {
                    h.Removed = true;
                    _hosts.TryRemove(KeyValuePair.Create(host, h));
                }
            }
            foreach (var c in close) _ = CloseAndFreeSlotAsync(c, host);
            close.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _sweeper.Dispose();
        var close = new List<SmtpClientConnection>();
        foreach (var (_, h) in _hosts)
        {
            lock (h)
            {
                h.RemoveIdle(static _ => true, close);
                while (h.TryDequeueWaiter(null, out var w)) w.TrySetCanceled();
            }
        }
        await Task.WhenAll(close.Select(c => c.QuitAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>A caller waiting for a session of <see cref="Key"/> or for a free slot (result null).</summary>
    private sealed class Waiter : TaskCompletionSource<SmtpClientConnection?>
    {
        private readonly HostSlots _host;

        public Waiter(string key, HostSlots host) : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            Key = key;
            _host = host;
        }

        public string Key { get; }

        public void Cancel()
        {
            lock (_host)
            {
                // Only while still queued: once dequeued it owns a session or a slot, and the caller releases it.
                if (_host.Waiters.Remove(this)) TrySetCanceled();
            }
        }
    }

    /// <summary>One destination host's sessions; every field is guarded by locking the instance.</summary>
    private sealed class HostSlots
    {
        private readonly List<(string Key, SmtpClientConnection Connection)> _idle = new();

        /// <summary>Sessions that exist for this host, in use or idle.</summary>
        public int Open;
        public int IdleCount;
        public bool Removed;
        public readonly LinkedList<Waiter> Waiters = new();
        public bool HasWaiter => Waiters.Count > 0;

        public bool TryTakeIdle(string key, out SmtpClientConnection connection)
        {
            for (int i = _idle.Count - 1; i >= 0; i--) // most recently used first
            {
                if (_idle[i].Key != key) continue;
                connection = _idle[i].Connection;
                _idle.RemoveAt(i);
                IdleCount = _idle.Count;
                return true;
            }
            connection = null!;
            return false;
        }

        public bool TryTakeOldestIdle(out SmtpClientConnection? connection)
        {
            connection = null;
            if (_idle.Count == 0) return false;
            connection = _idle[0].Connection;
            _idle.RemoveAt(0);
            IdleCount = _idle.Count;
            return true;
        }

        public int IdleCountFor(string key)
        {
            int n = 0;
            foreach (var e in _idle) if (e.Key == key) n++;
            return n;
        }

        public void AddIdle(string key, SmtpClientConnection c)
        {
            _idle.Add((key, c));
            IdleCount = _idle.Count;
        }

        public void RemoveIdle(Func<SmtpClientConnection, bool> drop, List<SmtpClientConnection> removed)
        {
            for (int i = _idle.Count - 1; i >= 0; i--)
            {
                if (!drop(_idle[i].Connection)) continue;
                removed.Add(_idle[i].Connection);
                _idle.RemoveAt(i);
            }
            IdleCount = _idle.Count;
        }

        /// <summary>The first waiter for <paramref name="key"/> (any key when null), removed from the queue.</summary>
        public bool TryDequeueWaiter(string? key, out Waiter waiter)
        {
            for (var n = Waiters.First; n is not null; n = n.Next)
            {
                if (key is not null && n.Value.Key != key) continue;
                waiter = n.Value;
                Waiters.Remove(n);
                return true;
            }
            waiter = null!;
            return false;
        }
    }
}
