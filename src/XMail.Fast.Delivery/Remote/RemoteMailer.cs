using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;
using XMail.Fast.Core.Security;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// Sends one spool message to remote recipients over SMTP. Recipients are grouped by next-hop domain; each group
/// follows its route (<see cref="RemoteRouter"/>) through its servers in order (MX preference, gateway list order)
/// and every recipient gets exactly one outcome. A recipient that got its 250 is final and never offered to
/// another server; 4xx and network failures move the rest on to the next server, then end as temporary; 5xx
/// replies are permanent. Sessions are reused across messages through a small pool, which also keeps at most
/// maxConnectionsPerHost (default 8) sessions open to one server: further deliveries to it wait their turn.
/// </summary>
public sealed class RemoteMailer : IAsyncDisposable
{
    private static readonly TimeSpan HeloCacheTime = TimeSpan.FromMinutes(10);

    private readonly IDnsResolver _dns;
    private readonly MailAuth.Dkim.DkimOutboundSigner? _dkim;
    private readonly RemoteRouter _router;
    private readonly ClientAuthTable _auth;
    private readonly Func<ServerConfig> _config;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SmtpClientTimeouts _timeouts;
    private readonly SmtpConnectionPool _pool;
    private readonly ConcurrentDictionary<IPAddress, (string Name, DateTimeOffset Until)> _helo = new();
    private readonly PeerCertificateVerifier _tls;

    /// <param name="tls">Judges servers' certificates after STARTTLS (default: server.tab's SSL variables, no certs.pem).</param>
    public RemoteMailer(IDnsResolver dns, RemoteRouter router, ClientAuthTable auth, Func<ServerConfig> config,
        TimeProvider? time = null, ILogger? log = null, SmtpClientTimeouts? timeouts = null,
        TimeSpan? idleTimeout = null, int maxIdlePerServer = 32, int maxConnectionsPerHost = SmtpConnectionPool.DefaultMaxConnectionsPerHost,
        PeerCertificateVerifier? tls = null, MailAuth.Dkim.DkimOutboundSigner? dkim = null)
    {
        _dkim = dkim;
        _dns = dns;
        _router = router;
        _auth = auth;
        _config = config;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        _timeouts = timeouts ?? SmtpClientTimeouts.Default;
        _pool = new SmtpConnectionPool(_time, idleTimeout ?? TimeSpan.FromSeconds(30), maxIdlePerServer, maxConnectionsPerHost);
        _tls = tls ?? new PeerCertificateVerifier(config, null, _time, _log);
    }

    public RemoteMailer(MailServerContext context, IDnsResolver dns, MailAuth.Dkim.DkimOutboundSigner? dkim = null)
        : this(dns, new RemoteRouter(context), new ClientAuthTable(context.Root), () => context.Config, context.Time,
               context.Loggers.CreateLogger("XMail.Remote"),
               tls: new PeerCertificateVerifier(() => context.Config, context.Root.Path, context.Time, context.Loggers.CreateLogger("XMail.TLS")),
               dkim: dkim)
    {
    }

    public RemoteRouter Router => _router;

    /// <summary>The port MX and A/AAAA hosts are reached on (25; tests point it at a loopback peer).</summary>
    public int MxPort { get; init; } = 25;

    /// <summary>Idle sessions kept for reuse (for tests and metrics).</summary>
    public int IdleConnections => _pool.IdleCount;
    /// <summary>The most SMTP sessions one destination host has had at once (see <see cref="SmtpConnectionPool.PeakSessionsPerHost"/>).</summary>
    public int PeakSessionsPerHost => _pool.PeakSessionsPerHost;

    /// <summary>
    /// Delivers a spool message to remote recipients on <paramref name="route"/>, <paramref name="sender"/> as the
    /// reverse path (lredirect impersonates the recipient). One outcome per recipient, in order; throws only when cancelled.
    /// </summary>
    public Task<RecipientOutcome[]> DeliverAsync(SpoolMessage message, string sender, IReadOnlyList<string> recipients, RemoteRoute route, CancellationToken ct)
    {
        var envelope = RemoteEnvelope.FromSpool(message.FilePath, message.Header, sender);
        // DKIM signs once per message pass: every remote recipient's copy carries the same signature.
        if (_dkim is not null) envelope = envelope with { HeaderPrefix = _dkim.SignatureFor(message) };
        return SendAsync(envelope, recipients, route.Kind == RemoteRouteKind.Relays ? route.Relays ?? "" : null, ct);
    }

    /// <summary>
    /// Delivers to <paramref name="recipients"/> (plain or source-routed addresses) by normal routing, or through
    /// <paramref name="relays"/> (a "smtprelay" gateway list) when given. Returns one outcome per recipient, in order.
    /// Throws only when cancelled.
    /// </summary>
    public async Task<RecipientOutcome[]> SendAsync(RemoteEnvelope envelope, IReadOnlyList<string> recipients, string? relays, CancellationToken ct)
    {
        var outcomes = new RecipientOutcome[recipients.Count];
        SafeFileHandle body;
        try
        {
            body = File.OpenHandle(envelope.SpoolPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            for (int i = 0; i < outcomes.Length; i++) outcomes[i] = RecipientOutcome.Remote(recipients[i], DeliveryStatus.TemporaryFailure, "", "451 cannot read spool file: " + ex.Message);
            return outcomes;
        }
        using (body)
        {
            long size = Math.Max(0, RandomAccess.GetLength(body) - envelope.DataOffset) + envelope.HeaderPrefix.Length;
            if (relays is not null)
            {
                await SendGroupAsync(envelope, body, size, recipients, Enumerable.Range(0, recipients.Count).ToList(), _router.Relay(relays), outcomes, ct).ConfigureAwait(false);
                return outcomes;
            }
            if (recipients.Count == 1) // the common case, without grouping
            {
                var d = SourceRoute.NextDomain(recipients[0]);
                if (d.Length == 0) outcomes[0] = BadAddress(recipients[0]);
                else await SendGroupAsync(envelope, body, size, recipients, [0], _router.Route(d), outcomes, ct).ConfigureAwait(false);
                return outcomes;
            }
            var groups = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < recipients.Count; i++)
            {
                var d = SourceRoute.NextDomain(recipients[i]);
                if (d.Length == 0)
                {
                    outcomes[i] = BadAddress(recipients[i]);
                    continue;
                }
                if (!groups.TryGetValue(d, out var list)) groups[d] = list = new List<int>();
                list.Add(i);
            }
            foreach (var (domain, list) in groups)
                await SendGroupAsync(envelope, body, size, recipients, list, _router.Route(domain), outcomes, ct).ConfigureAwait(false);
        }
        return outcomes;
    }

    private static RecipientOutcome BadAddress(string r) => RecipientOutcome.Remote(r, DeliveryStatus.PermanentFailure, "", "501 5.1.3 bad recipient address syntax");

    private async Task SendGroupAsync(RemoteEnvelope envelope, SafeFileHandle body, long size, IReadOnlyList<string> recipients,
        List<int> group, RoutePlan route, RecipientOutcome[] outcomes, CancellationToken ct)
    {
        // What goes on the wire: a chained smtpgw.tab route rides in front of the address; a source-routed
        // recipient stays as it is and the reverse path gets our name in front.
        var rcptTo = new string[group.Count];
        bool routed = false;
        for (int k = 0; k < group.Count; k++)
        {
            var r = recipients[group[k]];
            routed |= SourceRoute.IsRouted(r);
            rcptTo[k] = route.RcptRoute is null ? r : route.RcptRoute + (SourceRoute.IsRouted(r) ? "," : ":") + r;
        }
        var mailFrom = routed || route.RcptRoute is not null ? SourceRoute.PrependHop(envelope.MailFrom, _config().SmtpServerDomain) : envelope.MailFrom;

        var state = new GroupState(group, rcptTo);
        IReadOnlyList<GatewayHop> hops;
        if (route.Hops is not null) hops = route.Hops;
        else
        {
            var mx = await _dns.MxAsync(route.MxDomain!, ct).ConfigureAwait(false);
            if (mx.Status == DnsStatus.TempFail)
            {
                state.Fail(false, "", $"451 4.4.3 temporary DNS failure looking up MX for {route.MxDomain}");
                Finish(state, recipients, outcomes);
                return;
            }
            hops = mx.IsOk
                ? mx.Values.Select(m => new GatewayHop(m.Host, MxPort, route.MxOptions.NeedTls, route.MxOptions.OutBind)).ToArray()
                : [new GatewayHop(route.MxDomain!, MxPort, route.MxOptions.NeedTls, route.MxOptions.OutBind)]; // no MX: the domain's own A/AAAA (RFC 5321 5.1)
        }
        if (hops.Count == 0) state.Fail(false, "", "451 4.4.0 no usable gateway in " + route.Via);

        foreach (var hop in hops)
        {
            var addresses = await _dns.HostAddressesAsync(hop.Host, ct).ConfigureAwait(false);
            if (!addresses.IsOk)
            {
                state.Fail(addresses.Status == DnsStatus.NotFound, "",
                    addresses.Status == DnsStatus.NotFound ? $"550 5.1.2 host not found: {hop.Host}" : $"451 4.4.3 temporary DNS failure looking up {hop.Host}");
                continue;
            }
            foreach (var ip in addresses.Values)
            {
                await TryServerAsync(hop, new IPEndPoint(ip, hop.Port), envelope, mailFrom, body, size, state, outcomes, recipients, ct).ConfigureAwait(false);
                if (state.Pending.Count == 0) return;
            }
        }
        Finish(state, recipients, outcomes);
    }

    private async Task TryServerAsync(GatewayHop hop, IPEndPoint ep, RemoteEnvelope envelope, string mailFrom, SafeFileHandle body, long size,
        GroupState state, RecipientOutcome[] outcomes, IReadOnlyList<string> recipients, CancellationToken ct)
    {
        string host = ep.ToString();
        string key = $"{host}|{hop.Host}|{hop.NeedTls}|{hop.OutBind}";
        for (int attempt = 0; attempt < 2; attempt++)
        {
            // Either an idle session or a slot for a new one; waits while the server already has its share.
            var c = await _pool.AcquireAsync(host, key, ct).ConfigureAwait(false);
            bool pooled = c is not null;
            bool handedBack = false;
            try
            {
                if (c is null)
                {
                    try
                    {
                        c = await OpenAsync(hop, ep, ct).ConfigureAwait(false);
                    }
                    catch (SmtpClientException ex)
                    {
                        _log.LogDebug("remote {Id}: {Error}", envelope.MessageId, ex.Message);
                        state.Fail(ex.Permanent, "", ex.Message);
                        return;
                    }
                }
                var server = c.Describe();
                if (c.MaxSize > 0 && size > c.MaxSize)
                {
                    foreach (int i in state.Pending) outcomes[i] = RecipientOutcome.Remote(recipients[i], DeliveryStatus.PermanentFailure, server, $"552 5.3.4 message size {size} exceeds the server's limit {c.MaxSize}");
                    state.Pending.Clear();
                    _pool.Return(host, key, c);
                    handedBack = true;
                    return;
                }
                var targets = state.PendingRcptTo();
                var replies = new RecipientReply[targets.Count];
                SmtpTransaction.Result result;
                try
                {
                    result = await SmtpTransaction.RunAsync(c, mailFrom, size, envelope.Body8Bit, targets, body, envelope.DataOffset, envelope.HeaderPrefix, replies, ct).ConfigureAwait(false);
                }
                catch (SmtpClientException ex)
                {
                    // A pooled session the server closed while idle fails before any RCPT reply: open a fresh one.
                    if (pooled && replies.All(r => r.Code == 0)) continue;
                    _log.LogDebug("remote {Id}: {Error}", envelope.MessageId, ex.Message);
                    state.Fail(false, server, "451 " + ex.Message);
                    return;
                }
                Settle(result, replies, server, state, outcomes, recipients);
                if (!c.IsBroken)
                {
                    _pool.Return(host, key, c);
                    handedBack = true;
                }
                return;
            }
            finally
            {
                if (!handedBack)
                {
                    if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
                    _pool.Release(host);
                }
            }
        }
    }

    private void Settle(SmtpTransaction.Result result, RecipientReply[] replies, string server, GroupState state, RecipientOutcome[] outcomes, IReadOnlyList<string> recipients)
    {
        var pending = state.Pending;
        if (result.Stage == SmtpTransaction.Stage.Mail)
        {
            if (result.Code is >= 500 and < 600)
            {
                foreach (int i in pending) outcomes[i] = RecipientOutcome.Remote(recipients[i], DeliveryStatus.PermanentFailure, server, result.Text ?? result.Code.ToString());
                pending.Clear();
            }
            else state.Fail(false, server, result.Text ?? result.Code.ToString());
            return;
        }
        var still = new List<int>();
        for (int k = 0; k < pending.Count; k++)
        {
            int i = pending[k];
            int code = replies[k].Code;
            string? text = replies[k].Text;
            if (code is 250 or 251)
            {
                code = result.Code;
                text = result.Text;
            }
            if (result.Stage == SmtpTransaction.Stage.Done && code == 250)
                outcomes[i] = RecipientOutcome.Remote(recipients[i], DeliveryStatus.Delivered, server, text is { Length: > 0 } ? text : "250 OK");
            else if (code is >= 500 and < 600)
                outcomes[i] = RecipientOutcome.Remote(recipients[i], DeliveryStatus.PermanentFailure, server, text ?? code.ToString());
            else
            {
                still.Add(i);
                state.SetTemp(i, server, text is { Length: > 0 } ? text : code.ToString());
            }
        }
        state.Replace(still);
    }

    private static void Finish(GroupState state, IReadOnlyList<string> recipients, RecipientOutcome[] outcomes)
    {
        // Permanent only when nothing along the way was temporary (e.g. the domain and its hosts do not exist).
        var kind = state.SawTemporary || !state.SawPermanent ? DeliveryStatus.TemporaryFailure : DeliveryStatus.PermanentFailure;
        foreach (int i in state.Pending)
        {
            var (server, text) = state.LastFor(i);
            outcomes[i] = RecipientOutcome.Remote(recipients[i], kind, server, text.Length > 0 ? text : "451 4.4.0 no server could be reached");
        }
        state.Pending.Clear();
    }

    private async Task<SmtpClientConnection> OpenAsync(GatewayHop hop, IPEndPoint ep, CancellationToken ct)
    {
        var c = await SmtpClientConnection.ConnectAsync(hop, ep, _timeouts, ct).ConfigureAwait(false);
        var helo = await HeloDomainAsync(c.Local?.Address, ct).ConfigureAwait(false);
        var auth = _auth.Find(hop.Host);
        try
        {
            await c.OpenSessionAsync(helo, auth, _tls, ct).ConfigureAwait(false);
            return c;
        }
        catch (SmtpClientException ex) when (ex.TlsFailure && hop.NeedTls == 1)
        {
            await c.DisposeAsync().ConfigureAwait(false);
            _log.LogInformation("{Error}; NeedTLS=1, trying again without TLS", ex.Message);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        c = await SmtpClientConnection.ConnectAsync(hop, ep, _timeouts, ct).ConfigureAwait(false);
        try
        {
            await c.OpenSessionAsync(helo, auth, tls: null, ct).ConfigureAwait(false);
            return c;
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>HeloDomain, else the reverse lookup of the local address we connect from, else SmtpServerDomain.</summary>
    private async ValueTask<string> HeloDomainAsync(IPAddress? local, CancellationToken ct)
    {
        var cfg = _config();
        if (cfg.HeloDomain is { } helo) return helo;
        if (local is null || IPAddress.IsLoopback(local)) return cfg.SmtpServerDomain;
        var now = _time.GetUtcNow();
        if (_helo.TryGetValue(local, out var hit) && hit.Until > now) return hit.Name;
        var ptr = await _dns.ReverseAsync(local, ct).ConfigureAwait(false);
        var name = ptr.IsOk ? ptr.Values[0] : cfg.SmtpServerDomain;
        _helo[local] = (name, now + HeloCacheTime);
        return name;
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    /// <summary>The recipients of one group still waiting for a final answer, and why the last try failed.</summary>
    private sealed class GroupState
    {
        private readonly string[] _rcptTo;
        private readonly List<int> _group;
        private readonly Dictionary<int, (string Server, string Text)> _last = new();
        private string _server = "", _text = "";

        public GroupState(List<int> group, string[] rcptTo)
        {
            _group = group;
            _rcptTo = rcptTo;
            Pending = new List<int>(group);
        }

        public List<int> Pending { get; private set; }
        public bool SawTemporary { get; private set; }
        public bool SawPermanent { get; private set; }

        public IReadOnlyList<string> PendingRcptTo()
        {
            if (Pending.Count == _group.Count) return _rcptTo;
            var list = new string[Pending.Count];
            for (int k = 0; k < list.Length; k++) list[k] = _rcptTo[_group.IndexOf(Pending[k])];
            return list;
        }

        public void Fail(bool permanent, string server, string text)
        {
            if (permanent) SawPermanent = true;
            else SawTemporary = true;
            _server = server;
            _text = text;
            _last.Clear();
        }

        public void SetTemp(int i, string server, string text)
        {
            SawTemporary = true;
            _last[i] = (server, text);
        }

        public void Replace(List<int> still) => Pending = still;

        public (string Server, string Text) LastFor(int i) => _last.TryGetValue(i, out var t) ? t : (_server, _text);
    }
}
