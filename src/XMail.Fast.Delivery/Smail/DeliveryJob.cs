using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Remote;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// One processing pass over a spool message: the targets already done (mprc/), the results of this pass and the
/// remote recipients collected for one batched hand-off per (sender, route). Thread-safe: the recipients of one
/// message (a list fan-out) are routed in parallel.
/// </summary>
/// <remarks>
/// Done targets reach mprc/ in one of two ways. Targets whose completion cannot be seen afterwards (a remote 250 with
/// more remote sessions to follow, an external command, a redirect) are appended at once, so a crash right after
/// cannot repeat them; the 250s of a pass's only remote session are settled right after and need no append. Mailbox stores are
/// self-evident: their file name is derived from the spool message and the target (<see cref="Core.Mailbox.MailboxFileName"/>),
/// so a pass after a crash finds the file instead of storing a second copy; they are written to mprc/ only when the
/// message outlives the pass (<see cref="PersistDone"/> before a retry or a freeze). Most messages are delivered in one
/// pass, and then no mprc/ file is ever created: one file fewer created and deleted per message.
/// </remarks>
public sealed class DeliveryJob
{
    private readonly SpoolStore _store;
    private readonly HashSet<string> _done;
    private readonly List<string> _unpersisted = new();

    public DeliveryJob(SpoolMessage message, SpoolStore store, HashSet<string> done, bool mayHaveRunBefore)
    {
        Message = message;
        _store = store;
        _done = done;
        MayHaveRunBefore = mayHaveRunBefore;
    }

    /// <summary>
    /// True when an earlier pass (this process's or one that crashed) may already have stored part of the message:
    /// mailbox targets then look for their file before storing.
    /// </summary>
    public bool MayHaveRunBefore { get; }

    public SpoolMessage Message { get; }
    private readonly List<RecipientOutcome> _results = new();
    private readonly List<PendingRemote> _remote = new();
    private readonly object _gate = new();

    /// <summary>A snapshot of the results so far.</summary>
    public IReadOnlyList<RecipientOutcome> Results
    {
        get { lock (_gate) return _results.ToList(); }
    }

    /// <summary>A snapshot of the remote targets collected so far.</summary>
    public IReadOnlyList<PendingRemote> Remote
    {
        get { lock (_gate) return _remote.ToList(); }
    }

    public void AddResult(RecipientOutcome result)
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
            if (_done.Add(key))
            {
                _store.AppendDone(Message.Ref, key);
                WroteStateFiles = true;
            }
        }
    }

    /// <summary>True once this pass has written mprc/ (the spool removal then removes it too).</summary>
    public bool WroteStateFiles { get; private set; }

    /// <summary>Records a finished target in memory; it reaches mprc/ in <see cref="PersistDone"/>.</summary>
    private void MarkDoneSelfEvident(string key)
    {
        lock (_gate)
        {
            if (_done.Add(key)) _unpersisted.Add(key);
        }
    }

    /// <summary>The message stays in the spool: writes the self-evident done targets to mprc/ for the next pass.</summary>
    public void PersistDone()
    {
        lock (_gate)
        {
            foreach (var key in _unpersisted) _store.AppendDone(Message.Ref, key);
            if (_unpersisted.Count > 0) WroteStateFiles = true;
            _unpersisted.Clear();
        }
    }

    /// <summary>The done-state key of a target: the spool RCPT it came from, what kind of delivery, and where to.</summary>
    public static string Key(string recipient, string kind, string target) => recipient + "|" + kind + "|" + target;

    public void Delivered(string recipient, string target, string key, string text = "OK")
    {
        MarkDone(key);
        AddResult(new RecipientOutcome(recipient, target, DeliveryStatus.Delivered, text));
    }

    /// <summary>
    /// Done, recorded in mprc/ only if the message outlives this pass (<see cref="PersistDone"/>): a mailbox store
    /// (found by its derived name after a crash) or a 250 of the pass's only remote session (settled right after).
    /// </summary>
    public void DeliveredWithPass(string recipient, string target, string key, string text = "OK")
    {
        MarkDoneSelfEvident(key);
        AddResult(new RecipientOutcome(recipient, target, DeliveryStatus.Delivered, text));
    }

    public void Failed(string recipient, string target, DeliveryStatus status, string text, bool notify = true, bool freeze = true) =>
        AddResult(new RecipientOutcome(recipient, target, status, text) { Notify = notify, Freeze = freeze });
}

/// <summary>A remote target waiting for the batched hand-off to <see cref="RemoteMailer"/>.</summary>
public sealed record PendingRemote(string Recipient, string Target, string Sender, RemoteRoute Route, string Key);
