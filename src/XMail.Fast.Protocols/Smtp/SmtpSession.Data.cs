using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Smtp;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>
    /// DATA: pre-data filters, then the spool header, Received: and X-AuthUser: go into a draft in spool temp/,
    /// the body streams in through <see cref="SmtpDataScanner"/>, post-data filters run on the closed file, and
    /// "250 OK &lt;id&gt;" is sent only after the group commit made the file durable in mess/.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DataAsync()
    {
        if (LowOnDisk("DATA"))
        {
            ResetTransaction();
            return;
        }
        if (_filters.HasPreData)
        {
            var pre = await _filters.PreDataAsync(this).ConfigureAwait(false);
            if (!pre.Passed)
            {
                _log.LogInformation("SMTP {Peer}: DATA for {Id} refused by pre-data filter: {Reply}", _peer.Address, _messageId, pre.Reply);
                CountRejection("data", pre.Reply!);
                Error(pre.Reply!);
                ResetTransaction();
                return;
            }
        }

        using var draft = _ctx.SpoolWriter.Create();
        WriteSpoolHeader(draft);
        long max = _policy.MaxMessageBytes(_peer);
        var scanner = new SmtpDataScanner(_limits.MaxTextLine, max);
        var sink = new SpoolDraftSink(draft);

        Reply(SmtpReplies.StartData);
        await _t.FlushAsync().ConfigureAwait(false);

        var input = _t.Input;
        while (true)
        {
            var result = await Reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            bool done = scanner.Scan(ref buffer, sink);
            input.AdvanceTo(buffer.Start, done ? buffer.Start : result.Buffer.End);
            if (done) break;
            if (result.IsCompleted || result.IsCanceled)
            {
                _log.LogInformation("SMTP {Peer}: connection lost during DATA ({Id})", _peer.Address, _messageId);
                Ended = true;
                return;
            }
        }

        var from = _from!.Address;
        if (scanner.Violations != DataViolation.None)
        {
            _log.LogInformation("SMTP {Peer}: message {Id} from <{From}> refused: {Violation}", _peer.Address, _messageId, from, scanner.Violations);
            Error(SmtpReplies.ForData(scanner.Violations));
            ResetTransaction();
            return;
        }

        await AcceptAsync(draft, scanner, from).ConfigureAwait(false);
        ResetTransaction();
    }

    /// <summary>Post-data filters on the closed draft, then the group commit and "250 OK &lt;id&gt;".</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AcceptAsync(SpoolDraft draft, SmtpDataScanner scanner, string from)
    {
        try
        {
            draft.Close();
            // Before the post-data filters: they see Authentication-Results, and a DMARC refusal costs them nothing.
            if (_senderAuth is not null && await _senderAuth.AtEndOfDataAsync(_peer, draft.TempPath, _messageId, _from!, _t.Closed).ConfigureAwait(false) is { } authRefusal)
            {
                _log.LogInformation("SMTP {Peer}: message {Id} from <{From}> refused: {Reply}", _peer.Address, _messageId, from, authRefusal);
                CountRejection("data", authRefusal);
                Error(authRefusal);
                ResetTransaction();
                return;
            }
            if (_filters.HasPostData)
            {
                var post = await _filters.PostDataAsync(this, draft.TempPath).ConfigureAwait(false);
                if (!post.Passed)
                {
                    _log.LogInformation("SMTP {Peer}: message {Id} refused by post-data filter: {Reply}", _peer.Address, _messageId, post.Reply);
                    Error(post.Reply!);
                    ResetTransaction();
                    return;
                }
            }
            var committed = await draft.CommitAsync().ConfigureAwait(false);
            if (!_ctx.Queue.TryEnqueue(committed)) await _ctx.Queue.EnqueueAsync(committed, _t.Closed).ConfigureAwait(false);
            Core.Telemetry.XMailMetrics.MessagesAccepted.Add(1, Core.Telemetry.XMailMetrics.Tag("source", "smtp"));
            if (_ctx.Options.Smtp.Log)
            {
                _log.LogInformation("SMTP {Peer}: accepted {Id} from <{From}> for {Count} recipient(s), {Size} bytes, spool {Name}",
                    _peer.Address, _messageId, from, _rcpts.Count, scanner.Size, committed.Name);
                // -Sl: the XMail-format SMTP log, one line per accepted message.
                _ctx.ServiceLog("smtp").Write(_domain, _peer.HeloDomain ?? "", _peer.Address.ToString(),
                    Core.Logging.ServiceLog.Timestamp(_ctx.Time.GetLocalNow()), from, string.Join(",", _rcpts.Select(r => r.Address)),
                    _messageId, "RECV=OK", scanner.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            Reply("250 OK <" + _messageId + ">");
        }
        catch (IOException ex)
        {
            _log.LogError("SMTP {Peer}: spool write for {Id} failed: {Error}", _peer.Address, _messageId, ex.Message);
            Error(SmtpReplies.LocalError);
        }
    }

    private void WriteSpoolHeader(SpoolDraft draft)
    {
        var date = MailDate.Now(_ctx.Time);
        SpoolHeaderWriter.Write(draft, SpoolInfo(date), _domain, _messageId, _mailLine, _rcpts, static r => r.SpoolLine);

        var cfg = _ctx.Config;
        draft.WriteText(ReceivedHeader.Build(cfg.ReceivedHdrType, _peer.HeloDomain ?? "", _peer.Remote, _domain, _peer.Local,
            SmtpReplies.ServerName, _messageId, _rcpts.Count == 1 ? _rcpts[0].Address : null, _from!.Address, _peer.IsAuthenticated, date));
        if (_peer.AuthUser is { } user && !DisableEmitAuthUser(user))
        {
            draft.WriteText("X-AuthUser: ");
            draft.WriteText(user);
            draft.WriteText("\r\n");
        }
    }

    private bool DisableEmitAuthUser(string user)
    {
        if (_auth.FindMailUser(user) is { } u && _ctx.Accounts.CachedUserVars(u).DisableEmitAuthUser is { } perUser) return perUser;
        return _ctx.Config.DisableEmitAuthUser;
    }

    /// <summary>The spool info line, as <see cref="SpoolHeader"/> documents it: [ClientIP]:Port;[ServerIP]:Port;Time.</summary>
    private string SpoolInfo(string date) =>
        $"[{_peer.Address}]:{_peer.Remote.Port};[{Unmap(_peer.Local.Address)}]:{_peer.Local.Port};{date}";

    /// <summary>The SMTP filter info line ("SMTP MESSAGE FILTERS"): ClientDomain;[ClientIP]:Port;ServerDomain;[ServerIP]:Port;Time;Logo.</summary>
    internal string FilterInfo() =>
        $"{_peer.HeloDomain ?? ""};[{_peer.Address}]:{_peer.Remote.Port};{_domain};[{Unmap(_peer.Local.Address)}]:{_peer.Local.Port};{MailDate.Now(_ctx.Time)};{SmtpReplies.ServerName}";

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
