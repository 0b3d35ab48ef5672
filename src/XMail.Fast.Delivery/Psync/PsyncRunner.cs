using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Psync;

/// <summary>What one link's sync did.</summary>
public sealed record PsyncReport(int Fetched, long Bytes, int Failed, string? Error);

/// <summary>
/// Synchronises pop3links.tab links (XMail 1.27's PSYNC): skips disabled links (USERDIR/extname@extdomain.disabled
/// for local links, pop3links/extname@extdomain.disabled otherwise, written by CTRL "poplnkenable"), holds
/// pop3linklocks/extname@extdomain while a link runs, fetches every message (only the unseen ones with "Leave",
/// tracked in msgsync/EXTDOMAIN/extname.uidb), turns each into a spool file enqueued on the server queue, and
/// deletes it on the server once spooled (unless "Leave"). Messages with no usable recipient go to
/// Pop3SyncErrorAccount when set; otherwise they stay on the server.
/// </summary>
public sealed class PsyncRunner
{
    private readonly MailServerContext _ctx;
    private readonly ILogger _log;
    private readonly PeerCertificateVerifier _tls;

    public PsyncRunner(MailServerContext context)
    {
        _ctx = context;
        _log = context.Loggers.CreateLogger("XMail.Psync");
        _tls = new PeerCertificateVerifier(() => context.Config, context.Root.Path, context.Time, context.Loggers.CreateLogger("XMail.TLS"));
    }

    public List<Pop3Link> Links() => Pop3Link.Load(_ctx.Root.Pop3LinksTab, _log);

    /// <summary>Runs every enabled link, at most -Yt at a time.</summary>
    public async Task<List<(Pop3Link Link, PsyncReport Report)>> RunAllAsync(CancellationToken ct)
    {
        var links = Links();
        var results = new List<(Pop3Link, PsyncReport)>();
        using var gate = new SemaphoreSlim(Math.Max(1, _ctx.Options.PsyncThreads));
        var tasks = links.Select(async link =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var r = await RunLinkAsync(link, ct).ConfigureAwait(false);
                lock (results) results.Add((link, r));
            }
            finally { gate.Release(); }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return results;
    }

    public string DisabledFile(Pop3Link link)
    {
        string name = Pop3Link.Sanitize(link.ExtName + "@" + link.ExtDomain) + ".disabled";
        if (link.Kind == Pop3LinkKind.Local && _ctx.Accounts.FindUser(link.LocalDomain.ToLowerInvariant(), link.LocalName.ToLowerInvariant()) is { } user)
            return Path.Combine(_ctx.Accounts.UserDirectory(user), name);
        return Path.Combine(_ctx.Root.Pop3LinksDir, name);
    }

    public string UidlDbFile(Pop3Link link) =>
        Path.Combine(_ctx.Root.MsgSyncDir, Pop3Link.Sanitize(link.ExtDomain), Pop3Link.Sanitize(link.ExtName) + ".uidb");

    public async Task<PsyncReport> RunLinkAsync(Pop3Link link, CancellationToken ct)
    {
        if (File.Exists(DisabledFile(link))) return new PsyncReport(0, 0, 0, "disabled");
        Directory.CreateDirectory(_ctx.Root.Pop3LinkLocksDir);
        string lockPath = Path.Combine(_ctx.Root.Pop3LinkLocksDir, Pop3Link.Sanitize(link.ExtName + "@" + link.ExtDomain));
        FileStream linkLock;
        try { linkLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return new PsyncReport(0, 0, 0, "locked"); }
        using (linkLock)
        {
            try
            {
                var r = await SyncAsync(link, ct).ConfigureAwait(false);
                LogFile(link, r);
                return r;
            }
            catch (Exception ex) when (ex is IOException or Pop3FetchException or System.Net.Sockets.SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                _log.LogWarning("PSYNC {User}@{Domain} from {ExtUser}@{ExtDomain} failed: {Error}", link.LocalName, link.LocalDomain, link.ExtName, link.ExtDomain, ex.Message);
                var r = new PsyncReport(0, 0, 0, ex.Message);
                LogFile(link, r);
                return r;
            }
        }
    }

    private async Task<PsyncReport> SyncAsync(Pop3Link link, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, _ctx.Options.PsyncTimeoutSeconds));
        await using var client = await Pop3FetchClient.ConnectAsync(link, timeout, _tls, ct).ConfigureAwait(false);
        var (count, _) = await client.StatAsync(ct).ConfigureAwait(false);
        var uidls = await client.UidlAsync(ct).ConfigureAwait(false);
        HashSet<string>? seen = null;
        var stillThere = new List<string>();
        if (link.Leave)
        {
            if (uidls is null) throw new Pop3FetchException("Leave needs UIDL, which the server does not support");
            string db = UidlDbFile(link);
            seen = File.Exists(db) ? new HashSet<string>(File.ReadAllLines(db).Where(l => l.Length > 0), StringComparer.Ordinal) : new(StringComparer.Ordinal);
        }
        int fetched = 0, failed = 0;
        long bytes = 0;
        string temp = Path.Combine(_ctx.Spool.TempDir, "psync-" + UniqueName.Next(_ctx.Time));
        Directory.CreateDirectory(_ctx.Spool.TempDir);
        try
        {
            for (int i = 1; i <= count; i++)
            {
                string? uidl = uidls is not null && uidls.TryGetValue(i, out var u) ? u : null;
                if (seen is not null && uidl is not null && seen.Contains(uidl))
                {
                    stillThere.Add(uidl);
                    continue;
                }
                await using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                    await client.RetrieveAsync(i, f, ct).ConfigureAwait(false);
                bool spooled = await SpoolAsync(link, temp, ct).ConfigureAwait(false);
                if (spooled)
                {
                    fetched++;
                    bytes += new FileInfo(temp).Length;
                    if (!link.Leave) await client.DeleteAsync(i, ct).ConfigureAwait(false);
                }
                else failed++;
                if (uidl is not null && (spooled || link.Leave)) stillThere.Add(uidl);
            }
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
        await client.QuitAsync(ct).ConfigureAwait(false);
        if (seen is not null)
        {
            // Only ids still on the server are kept, so the database does not grow without bound.
            string db = UidlDbFile(link);
            Directory.CreateDirectory(Path.GetDirectoryName(db)!);
            Core.Tab.AtomicFile.WriteAllText(db, string.Concat(stillThere.Select(x => x + "\n")));
        }
        return new PsyncReport(fetched, bytes, failed, null);
    }

    /// <summary>Writes the fetched message as a spool file and queues it. False when it has nowhere to go.</summary>
    private async Task<bool> SpoolAsync(Pop3Link link, string messagePath, CancellationToken ct)
    {
        var headers = FetchedRecipients.ReadHeaders(messagePath);
        var rcpts = FetchedRecipients.For(link, headers, _ctx.Config.FetchHdrTags);
        if (rcpts.Count == 0)
        {
            if (_ctx.Config.Pop3SyncErrorAccount is not { } errorAccount)
            {
                _log.LogWarning("PSYNC message from {ExtUser}@{ExtDomain} has no recipient for link {Domain}; left on the server", link.ExtName, link.ExtDomain, link.LocalDomain);
                return false;
            }
            rcpts = [errorAccount];
        }
        string from = headers.FirstOrDefault(h => h.Name.Equals("Return-Path", StringComparison.OrdinalIgnoreCase)).Value is { } rp
            ? Core.Spool.SpoolHeader.AddressOf(rp.Contains('<') ? rp : "<" + rp + ">")
            : "";
        var header = new SpoolHeader
        {
            Info = "[0.0.0.0]:0;[0.0.0.0]:0;" + XMail.Fast.Core.Smtp.MailDate.Now(_ctx.Time),
            SmtpDomain = _ctx.Config.RootDomain,
            MessageId = _ctx.MessageIds.NextSmtpId(),
            MailFromLine = SpoolHeader.MailFromLineFor(from),
        };
        foreach (var r in rcpts) header.RcptLines.Add(SpoolHeader.RcptLineFor(r));
        using var draft = _ctx.SpoolWriter.Create();
        header.WriteTo(draft);
        var buf = new byte[64 * 1024];
        await using (var src = new FileStream(messagePath, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            int n;
            while ((n = await src.ReadAsync(buf, ct).ConfigureAwait(false)) > 0) draft.Write(buf.AsSpan(0, n));
        }
        var spoolRef = await draft.CommitAsync().ConfigureAwait(false);
        await _ctx.Queue.EnqueueAsync(spoolRef, ct).ConfigureAwait(false);
        Core.Telemetry.XMailMetrics.MessagesAccepted.Add(1, Core.Telemetry.XMailMetrics.Tag("source", "psync"));
        return true;
    }

    private void LogFile(Pop3Link link, PsyncReport r)
    {
        if (!_ctx.Options.PsyncLog) return;
        _ctx.ServiceLog("psync").Write(link.LocalDomain, link.LocalName, link.ExtDomain, link.ExtName,
            Core.Logging.ServiceLog.Timestamp(_ctx.Time.GetLocalNow()), r.Error is null ? "SYNC" : "ESYNC",
            r.Fetched.ToString(CultureInfo.InvariantCulture), r.Bytes.ToString(CultureInfo.InvariantCulture));
    }
}
