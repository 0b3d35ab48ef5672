using XMail.Fast.Delivery.Spool;

namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// One processing pass over a spool message: the targets already done (mprc/), the results of this pass and the
/// remote recipients collected for one batched hand-off per (sender, route).
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
    }

    public SpoolMessage Message { get; }
    public List<TargetResult> Results { get; } = new();
    public List<PendingRemote> Remote { get; } = new();

    public bool IsDone(string key) => _done.Contains(key);

    public void MarkDone(string key)
    {
        if (_done.Add(key)) _store.AppendDone(Message.Ref, key);
    }

    /// <summary>The done-state key of a target: the spool RCPT it came from, what kind of delivery, and where to.</summary>
    public static string Key(string recipient, string kind, string target) => recipient + "|" + kind + "|" + target;

    public void Delivered(string recipient, string target, string key, string text = "OK")
    {
        MarkDone(key);
        Results.Add(new TargetResult(recipient, target, DeliveryStatus.Delivered, text));
    }

    public void Failed(string recipient, string target, DeliveryStatus status, string text, bool notify = true, bool freeze = true) =>
        Results.Add(new TargetResult(recipient, target, status, text, notify, freeze));
}

public sealed record PendingRemote(string Recipient, string Target, string Sender, RemoteRoute Route, string Key);
