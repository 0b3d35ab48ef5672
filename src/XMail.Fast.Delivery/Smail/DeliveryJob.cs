using XMail.Fast.Delivery.Spool;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// One processing pass over a spool message: the targets already done (mprc/), the results of this pass and the
/// remote recipients collected for one batched hand-off per (sender, route). Thread-safe: the recipients of one
/// message (a list fan-out) are routed in parallel.
/// </summary>
public sealed class DeliveryJob
{
    private readonly SpoolStore _store;
    private readonly HashSet<string> _done;

    public DeliveryJob(SpoolMessage message, SpoolStore store, HashSet<string> done)
    {
        Message = message;
        _store = store;
        _done = done;
        foreach (var line in done.Where(l => l.StartsWith(IntentPrefix, StringComparison.Ordinal)).ToList())
        {
            done.Remove(line);
            int tab = line.IndexOf('\t');
            if (tab > IntentPrefix.Length) _intents[line[IntentPrefix.Length..tab]] = line[(tab + 1)..];
        }
    }

    /// <summary>mprc/ lines "~intent KEY&lt;TAB&gt;name": a mailbox file about to be committed under that name.</summary>
    private const string IntentPrefix = "~intent ";
    private readonly Dictionary<string, string> _intents = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The file name recorded for <paramref name="key"/> by an earlier, interrupted pass, if any.</summary>
    public string? IntentOf(string key)
    {
        lock (_gate) return _intents.GetValueOrDefault(key);
    }

    /// <summary>
    /// Records, before storing, the name a mailbox file is about to get: after a crash between the store and
    /// <see cref="MarkDone"/> the next pass finds the file by this name instead of delivering a second copy.
    /// </summary>
    public void RecordIntent(string key, string name)
    {
        lock (_gate)
        {
            _intents[key] = name;
            _store.AppendDone(Message.Ref, IntentPrefix + key + "\t" + name);
        }
    }

    public SpoolMessage Message { get; }
    private readonly List<TargetResult> _results = new();
    private readonly List<PendingRemote> _remote = new();
    private readonly object _gate = new();

    /// <summary>A snapshot of the results so far.</summary>
    public IReadOnlyList<TargetResult> Results
    {
        get { lock (_gate) return _results.ToList(); }
    }

    /// <summary>A snapshot of the remote targets collected so far.</summary>
    public IReadOnlyList<PendingRemote> Remote
    {
        get { lock (_gate) return _remote.ToList(); }
    }

    public void AddResult(TargetResult result)
    {
        lock (_gate) _results.Add(result);
    }

    public void AddRemote(PendingRemote pending)
    {
        lock (_gate) _remote.Add(pending);
    }

    public bool IsDone(string key)
    {
        lock (_gate) return _done.Contains(key);
    }

    /// <summary>Records a finished target in mprc/ (written before this returns, so a crash after it cannot repeat the target).</summary>
    public void MarkDone(string key)
    {
        lock (_gate)
        {
            if (_done.Add(key)) _store.AppendDone(Message.Ref, key);
        }
    }

    /// <summary>The done-state key of a target: the spool RCPT it came from, what kind of delivery, and where to.</summary>
    public static string Key(string recipient, string kind, string target) => recipient + "|" + kind + "|" + target;

    public void Delivered(string recipient, string target, string key, string text = "OK")
    {
        MarkDone(key);
        AddResult(new TargetResult(recipient, target, DeliveryStatus.Delivered, text));
    }

    public void Failed(string recipient, string target, DeliveryStatus status, string text, bool notify = true, bool freeze = true) =>
        AddResult(new TargetResult(recipient, target, status, text, notify, freeze));
}

public sealed record PendingRemote(string Recipient, string Target, string Sender, RemoteRoute Route, string Key);
