using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// Messages waiting for their next try, ordered by due time: no directory rescans, just a heap. The scheduler loop
/// sleeps until the earliest due time (on the server's <see cref="TimeProvider"/>) or until an earlier entry arrives.
/// </summary>
public sealed class RetryQueue
{
    private readonly PriorityQueue<SpoolRef, DateTimeOffset> _heap = new();
    private readonly HashSet<SpoolRef> _members = new();
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get { lock (_gate) return _members.Count; }
    }

    /// <summary>Schedules a message (a message already waiting keeps one entry, the earliest).</summary>
    public void Add(SpoolRef message, DateTimeOffset due)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (!_members.Add(message))
            {
                // Rebuild with the earlier due time; rare (ETRN, frozsubmit of a waiting message).
                var items = _heap.UnorderedItems.Where(i => !i.Element.Equals(message)).ToList();
                var old = _heap.UnorderedItems.First(i => i.Element.Equals(message)).Priority;
                _heap.Clear();
                foreach (var (e, p) in items) _heap.Enqueue(e, p);
                _heap.Enqueue(message, due < old ? due : old);
            }
            else _heap.Enqueue(message, due);
            wake = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    /// <summary>Takes every entry due at <paramref name="now"/>.</summary>
    public List<SpoolRef> TakeDue(DateTimeOffset now)
    {
        var due = new List<SpoolRef>();
        lock (_gate)
        {
            while (_heap.TryPeek(out var r, out var at) && at <= now)
            {
                _heap.Dequeue();
                _members.Remove(r);
                due.Add(r);
            }
        }
        return due;
    }

    /// <summary>Makes the matching entries due now (ETRN, CTRL etrn).</summary>
    public int MakeDue(Func<SpoolRef, bool> match, DateTimeOffset now)
    {
        TaskCompletionSource wake;
        int n = 0;
        lock (_gate)
        {
            var items = _heap.UnorderedItems.ToList();
            _heap.Clear();
            foreach (var (e, p) in items)
            {
                bool hit = match(e);
                if (hit) n++;
                _heap.Enqueue(e, hit ? now : p);
            }
            wake = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
        return n;
    }

    public DateTimeOffset? NextDue
    {
        get { lock (_gate) return _heap.TryPeek(out _, out var at) ? at : null; }
    }

    /// <summary>Completes when an entry is added (so a sleeping loop can re-check the earliest due time).</summary>
    public Task Changed
    {
        get { lock (_gate) return _changed.Task; }
    }
}
