using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Mailbox;
using XMail.Fast.Core.Routing;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Filters;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Delivery.Smail;

namespace XMail.Fast.Delivery.Local;

/// <summary>
/// Takes one address of a message where XMail would: alias domains and aliases (via <see cref="LocalResolver"/>),
/// then a local user (ReceiveEnable, FILTERS.IN.TAB, user then domain mailproc.tab, else the mailbox), a mailing list
/// (fan-out), cmdaliases/DOMAIN/USER.tab, a custdomains file, or remote (FILTERS.OUT.TAB, then the remote batch).
/// Redirects come back here one level deeper; the depth bound stops redirect loops.
/// </summary>
public sealed class RecipientRouter
{
    private const int MaxDepth = 8;
    private readonly MailServerContext _context;
    private readonly SpoolStore _store;
    private readonly MessageFilterRunner _filters;
    private readonly ILogger _log;

    public RecipientRouter(MailServerContext context, SpoolStore store, MessageFilterRunner filters, ILogger log)
    {
        _context = context;
        _store = store;
        _filters = filters;
        _log = log;
        Commands = new CommandFileRunner(context, this, filters, log);
    }

    public CommandFileRunner Commands { get; }

    public async Task RouteAsync(DeliveryJob job, string origin, string address, string sender, int depth, CancellationToken ct)
    {
        if (depth > MaxDepth)
        {
            job.Failed(origin, address, DeliveryStatus.PermanentFailure, "554 Too many redirections (mail loop?)");
            return;
        }
        var r = _context.Resolver.Resolve(address);
        switch (r.Kind)
        {
            case RecipientKind.User:
                await DeliverToUserAsync(job, origin, address, r.User!, sender, depth, ct).ConfigureAwait(false);
                break;
            case RecipientKind.MailingList:
                await DeliverToListAsync(job, origin, r.User!, sender, ct).ConfigureAwait(false);
                break;
            case RecipientKind.CmdAlias:
            case RecipientKind.CustomDomain:
                await Commands.RunFileAsync(job, r.CommandFile!, new CommandScope(origin, address, r.RealAddress, sender, null), depth, ct).ConfigureAwait(false);
                break;
            case RecipientKind.UnknownUser:
                job.Failed(origin, address, DeliveryStatus.PermanentFailure, "550 Mailbox unavailable <" + address + ">");
                break;
            default:
                await AddRemoteAsync(job, origin, r.RealAddress, sender, RemoteRoute.Default, depth, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Queues a remote target for the batched hand-off, after FILTERS.OUT.TAB.</summary>
    public async Task AddRemoteAsync(DeliveryJob job, string origin, string target, string sender, RemoteRoute route, int depth, CancellationToken ct)
    {
        var key = DeliveryJob.Key(origin, route.Kind == RemoteRouteKind.Relays ? "relay:" + route.Relays : "smtp", target);
        if (job.IsDone(key))
        {
            job.AddResult(new RecipientOutcome(origin, target, DeliveryStatus.Delivered, "OK (earlier try)"));
            return;
        }
        var verdict = await _filters.RunSelectedAsync(false, job.Message, sender, target, target, ct).ConfigureAwait(false);
        if (verdict.Reject)
        {
            job.Failed(origin, target, DeliveryStatus.PermanentFailure, verdict.RejectText ?? "554 Message rejected by filter", verdict.Notify, verdict.Freeze);
            return;
        }
        job.AddRemote(new PendingRemote(origin, target, sender, route, key));
    }

    private async Task DeliverToUserAsync(DeliveryJob job, string origin, string address, UserRecord user, string sender, int depth, CancellationToken ct)
    {
        var vars = _context.Accounts.CachedUserVars(user);
        if (!vars.ReceiveEnable)
        {
            job.Failed(origin, user.Address, DeliveryStatus.PermanentFailure, "550 Account disabled <" + user.Address + ">");
            return;
        }
        var verdict = await _filters.RunSelectedAsync(true, job.Message, sender, address, user.Address, ct).ConfigureAwait(false);
        if (verdict.Reject)
        {
            job.Failed(origin, user.Address, DeliveryStatus.PermanentFailure, verdict.RejectText ?? "554 Message rejected by filter", verdict.Notify, verdict.Freeze);
            return;
        }
        if (_context.Resolver.FindMailProc(user) is { } mailproc)
        {
            await Commands.RunFileAsync(job, mailproc, new CommandScope(origin, address, user.Address, sender, user), depth, ct).ConfigureAwait(false);
            return;
        }
        await DeliverToMailboxAsync(job, origin, user, sender).ConfigureAwait(false);
    }

    /// <summary>Stores the message in the account (the "mailbox" command and the default processing).</summary>
    public async Task DeliverToMailboxAsync(DeliveryJob job, string origin, UserRecord user, string sender)
    {
        var key = DeliveryJob.Key(origin, "mbox", user.Address);
        if (job.IsDone(key))
        {
            job.AddResult(new RecipientOutcome(origin, user.Address, DeliveryStatus.Delivered, "OK (earlier try)"));
            return;
        }
        var vars = _context.Accounts.CachedUserVars(user);
        var message = job.Message;
        var userDir = _context.Accounts.UserDirectory(user);
        try
        {
            var name = MailboxFileName.For(message.Ref.Name, key);
            // Stored by a pass that crashed before the message left the spool: count it, never store a second copy.
            if (job.MayHaveRunBefore && LocalMailboxDelivery.IsStored(userDir, name))
            {
                job.DeliveredWithPass(origin, user.Address, key, "OK (stored before a restart)");
                return;
            }
            var (code, _) = await LocalMailboxDelivery.DeliverAsync(userDir, _context.Options.UseMaildir, vars.MaxMBSizeKb,
                message.MessageSize, _context.Resolver.MapReturnPath(sender), user.Address, message.OpenMessage, _context.Time, name,
                CommitterFor(userDir)).ConfigureAwait(false);
            if (code == ErrorCode.Success) job.DeliveredWithPass(origin, user.Address, key);
            else if (code == ErrorCode.MailboxSize)
                job.Failed(origin, user.Address, DeliveryStatus.PermanentFailure, "552 Mailbox size limit exceeded <" + user.Address + ">");
            else job.Failed(origin, user.Address, DeliveryStatus.TemporaryFailure, "451 Local delivery error " + (int)code);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogError("local delivery of {Id} to {User} failed: {Error}", message.Id, user.Address, ex.Message);
            job.Failed(origin, user.Address, DeliveryStatus.TemporaryFailure, "451 Local delivery error: " + ex.Message);
        }
    }

    /// <summary>
    /// The spool's committer when the account is on the spool's file system (its syncfs cycle then makes spool
    /// files and mailbox files durable together), else the per-file one. An account found on the spool's file system
    /// is remembered (a stat saved per delivery); any other answer is asked again next time.
    /// </summary>
    private IDurableCommitter CommitterFor(string userDir)
    {
        if (_onSpoolFileSystem.ContainsKey(userDir)) return _context.SpoolWriter.Committer;
        if (!FileSync.SameFileSystem(userDir, _context.Spool.SpoolDir)) return MaildirCommitWriter.Shared;
        if (_onSpoolFileSystem.Count > 100_000) _onSpoolFileSystem.Clear(); // bounded: a cache, not a registry
        _onSpoolFileSystem.TryAdd(userDir, 0);
        return _context.SpoolWriter.Committer;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _onSpoolFileSystem = new(StringComparer.Ordinal);

    /// <summary>
    /// Mailing list: checks ClosedML (W = MAIL FROM, A = SMTP auth user), then commits one new spool message from
    /// ListSender (or the sender) to every member with R, with "Reply-To: list" when UseReplyTo is on.
    /// </summary>
    private async Task DeliverToListAsync(DeliveryJob job, string origin, UserRecord list, string sender, CancellationToken ct)
    {
        var key = DeliveryJob.Key(origin, "ml", list.Address);
        if (job.IsDone(key))
        {
            job.AddResult(new RecipientOutcome(origin, list.Address, DeliveryStatus.Delivered, "OK (earlier try)"));
            return;
        }
        var vars = _context.Accounts.CachedUserVars(list);
        var members = _context.Accounts.GetMailingListMembers(list);
        if (vars.ClosedML)
        {
            var auth = job.Message.AuthUser;
            bool allowed = members.Any(m =>
                (Has(m.Perms, 'W') && m.Address.Equals(sender, StringComparison.OrdinalIgnoreCase)) ||
                (Has(m.Perms, 'A') && auth != "-" && (m.Address.Equals(auth, StringComparison.OrdinalIgnoreCase) ||
                    m.Address.StartsWith(auth + "@", StringComparison.OrdinalIgnoreCase))));
            if (!allowed)
            {
                job.Failed(origin, list.Address, DeliveryStatus.PermanentFailure, "550 Mailing list closed to non-members <" + list.Address + ">");
                return;
            }
        }
        var readers = members.Where(m => Has(m.Perms, 'R') && EmailAddress.IsValid(m.Address)).Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (readers.Count > 0)
        {
            var message = job.Message;
            var header = new SpoolHeader
            {
                Info = message.Header.Info,
                SmtpDomain = message.Header.SmtpDomain,
                MessageId = message.Header.MessageId,
                MailFromLine = SpoolHeader.MailFromLineFor(vars.ListSender ?? sender),
            };
            foreach (var a in readers) header.RcptLines.Add(SpoolHeader.RcptLineFor(a));
            bool addReplyTo = vars.UseReplyTo && !HasHeader(message.ReadMessageHeaders(), "Reply-To");
            var r = await _store.SubmitAsync(header, output =>
            {
                if (addReplyTo) output.Write(System.Text.Encoding.Latin1.GetBytes("Reply-To: " + list.Address + "\r\n"));
                using var input = message.OpenMessage();
                input.CopyTo(output, 64 * 1024);
            });
            job.Delivered(origin, list.Address, key, "list expanded to " + readers.Count + " members");
            await _context.Queue.EnqueueAsync(r, ct).ConfigureAwait(false);
        }
        else job.Delivered(origin, list.Address, key, "list has no readers");
    }

    private static bool Has(string perms, char p) => perms.Contains(p, StringComparison.OrdinalIgnoreCase);

    private static bool HasHeader(string headers, string name)
    {
        foreach (var line in headers.Split("\r\n"))
            if (line.Length > name.Length && line[name.Length] == ':' && line.StartsWith(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}

/// <summary>Who a command file runs for: the spool RCPT it came from, the address, its real address, the sender, the account (mailproc only).</summary>
public sealed record CommandScope(string Origin, string Rcpt, string RealRcpt, string Sender, UserRecord? User);
