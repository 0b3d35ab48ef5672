using Microsoft.Extensions.Logging;

namespace XMail.Fast.Core.Spool;

/// <summary>
/// Creates spool messages: a <see cref="SpoolDraft"/> is written in spool/L0/L1/temp (random level pair) and,
/// on commit, fsynced and renamed into spool/L0/L1/mess through the shared <see cref="SpoolCommitter"/>.
/// Used by SMTP and by anything else that injects mail (LMAIL, bounces, CTRL).
/// </summary>
public sealed class SpoolWriter : IDisposable
{
    private readonly SpoolCommitter _committer;
    private readonly TimeProvider _time;

    public SpoolWriter(SpoolLayout layout, TimeProvider? time = null, ILogger? log = null)
    {
        Layout = layout;
        _time = time ?? TimeProvider.System;
        _committer = new SpoolCommitter(layout.SpoolDir, log);
    }

    public SpoolLayout Layout { get; }
    public SpoolCommitter Committer => _committer;

    /// <summary>Starts a new message file in a random level's temp/ folder.</summary>
    public SpoolDraft Create()
    {
        var (l0, l1) = Layout.PickLevels();
        var target = new SpoolRef(l0, l1, UniqueName.Next(_time));
        var temp = Layout.PathOf(target, "temp");
        return new SpoolDraft(this, target, temp);
    }

    internal async Task<SpoolRef> CommitAsync(SpoolRef target, string tempPath)
    {
        var final = Layout.PathOf(target, "mess");
        await _committer.CommitAsync(tempPath, final).ConfigureAwait(false);
        return target;
    }

    public void Dispose() => _committer.Dispose();
}
