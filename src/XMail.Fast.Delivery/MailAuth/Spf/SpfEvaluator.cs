using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Dns;
using XMail.Fast.Core.MailAuth;

namespace XMail.Fast.Delivery.MailAuth.Spf;

/// <summary>
/// RFC 7208 check_host() over <see cref="IDnsResolver"/> (and so over the server's DNS cache). Limits of 4.6.4:
/// at most 10 mechanisms and modifiers that query DNS, at most 10 MX names per mx, 10 PTR names per ptr, at most 2
/// void lookups; the whole evaluation gets <see cref="Deadline"/> and ends as temperror when it runs out.
/// </summary>
public sealed class SpfEvaluator
{
    private const int MaxLookups = 10;
    private const int MaxVoidLookups = 2;
    private const int MaxMxNames = 10;
    private const int MaxPtrNames = 10;

    private readonly IDnsResolver _dns;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public SpfEvaluator(IDnsResolver dns, TimeProvider? time = null, ILogger? log = null)
    {
        _dns = dns;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>4.6.4 suggests at least 20 seconds for a whole check_host().</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The receiving host for the %{r} macro.</summary>
    public string Receiver { get; init; } = "unknown";

    /// <summary>2.4: the MAIL FROM identity; a null reverse path is checked as postmaster@HELO.</summary>
    public ValueTask<SpfVerdict> CheckMailFromAsync(IPAddress client, string helo, string mailFrom, CancellationToken ct = default)
    {
        if (mailFrom.Length == 0) return CheckAsync(client, helo, "postmaster@" + helo, helo, "mailfrom", ct);
        int at = mailFrom.LastIndexOf('@');
        var domain = at < 0 ? mailFrom : mailFrom[(at + 1)..];
        return CheckAsync(client, domain, at <= 0 ? "postmaster@" + domain : mailFrom, helo, "mailfrom", ct);
    }

    /// <summary>2.3: the HELO identity, checked as postmaster@HELO; an address literal gives none.</summary>
    public ValueTask<SpfVerdict> CheckHeloAsync(IPAddress client, string helo, CancellationToken ct = default) =>
        CheckAsync(client, helo, "postmaster@" + helo, helo, "helo", ct);

    private async ValueTask<SpfVerdict> CheckAsync(IPAddress client, string domain, string sender, string helo, string identity, CancellationToken ct)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        domain = domain.TrimEnd('.');
        if (!IsValidDomain(domain) || !domain.Contains('.'))
            return new SpfVerdict(SpfResult.None, identity, domain, sender, null, "not a domain name");
        int at = sender.LastIndexOf('@');
        var local = at > 0 ? sender[..at] : "postmaster";
        var run = new SpfRun(new SpfMacroContext(client, sender, local, sender[(at + 1)..], domain, helo, Receiver, _time.GetUtcNow().ToUnixTimeSeconds()));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        try
        {
            var o = await CheckHostAsync(run, domain, deadline.Token).ConfigureAwait(false);
            return new SpfVerdict(o.Result, identity, domain, sender, o.Explanation, o.Reason);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _log.LogInformation("SPF {Domain} for {Ip}: no answer within {Deadline}", domain, client, Deadline);
            return new SpfVerdict(SpfResult.TempError, identity, domain, sender, null, "DNS timeout");
        }
    }

    private async ValueTask<Outcome> CheckHostAsync(SpfRun run, string domain, CancellationToken ct)
    {
        if (!IsValidDomain(domain)) return new Outcome(SpfResult.None, Reason: "not a domain name: " + domain);
        var txt = await _dns.TxtAsync(domain, ct).ConfigureAwait(false);
        if (txt.Status == DnsStatus.TempFail) return new Outcome(SpfResult.TempError, Reason: "DNS failure looking up " + domain);
        string? found = null;
        if (txt.IsOk)
        {
            foreach (var t in txt.Values)
            {
                if (!SpfRecord.IsSpfRecord(t)) continue;
                if (found is not null) return new Outcome(SpfResult.PermError, Reason: "more than one SPF record at " + domain);
                found = t;
            }
        }
        if (found is null) return new Outcome(SpfResult.None, Reason: "no SPF record at " + domain);
        var record = SpfRecord.Parse(found, out var error);
        if (record is null)
        {
            _log.LogDebug("SPF {Domain}: {Error}", domain, error);
            return new Outcome(SpfResult.PermError, Reason: error + " at " + domain);
        }
        var ctx = run.Macros with { Domain = domain };
        foreach (var m in record.Mechanisms)
        {
            var match = await MatchAsync(run, ctx, m, ct).ConfigureAwait(false);
            if (match.Error is { } err) return err;
            if (!match.Matched) continue;
            var reason = "matched " + m;
            if (m.OnMatch != SpfResult.Fail || record.Explanation is null) return new Outcome(m.OnMatch, Reason: reason);
            return new Outcome(SpfResult.Fail, await ExplainAsync(run, ctx, record.Explanation, ct).ConfigureAwait(false), reason);
        }
        if (record.Redirect is null) return new Outcome(SpfResult.Neutral, Reason: "no mechanism matched");
        if (++run.Lookups > MaxLookups) return new Outcome(SpfResult.PermError, Reason: "more than 10 DNS lookups");
        var target = await TargetAsync(run, ctx, record.Redirect, ct).ConfigureAwait(false);
        if (target is null) return new Outcome(SpfResult.PermError, Reason: "bad redirect " + record.Redirect);
        var r = await CheckHostAsync(run, target, ct).ConfigureAwait(false);
        // 6.1: a redirect to a domain without a record is a permerror.
        return r.Result == SpfResult.None ? new Outcome(SpfResult.PermError, Reason: "redirect to " + target + ": " + r.Reason) : r;
    }

    private async ValueTask<Match> MatchAsync(SpfRun run, SpfMacroContext ctx, SpfMechanism m, CancellationToken ct)
    {
        var client = ctx.Client;
        switch (m.Kind)
        {
            case SpfMechanismKind.All: return Match.Yes;
            case SpfMechanismKind.Ip4:
            case SpfMechanismKind.Ip6:
                return InNetwork(client, m.Network!, m.Prefix) ? Match.Yes : Match.No;
        }
        if (++run.Lookups > MaxLookups) return Match.Fail(SpfResult.PermError, "more than 10 DNS lookups");
        var target = m.DomainSpec is null ? ctx.Domain : await TargetAsync(run, ctx, m.DomainSpec, ct).ConfigureAwait(false);
        if (target is null) return Match.Fail(SpfResult.PermError, "bad domain-spec " + m.DomainSpec);
        // 4.8: a target that is no valid DNS name (an empty label, a label over 63) does not exist.
        if (m.Kind != SpfMechanismKind.Include && !IsValidDomain(target)) return Answered(run, DnsStatus.NotFound, target) ?? Match.No;
        switch (m.Kind)
        {
            case SpfMechanismKind.Include:
            {
                var r = await CheckHostAsync(run, target, ct).ConfigureAwait(false);
                return r.Result switch
                {
                    SpfResult.Pass => Match.Yes,
                    SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => Match.No,
                    SpfResult.TempError => Match.Fail(SpfResult.TempError, r.Reason),
                    _ => Match.Fail(SpfResult.PermError, "include:" + target + ": " + r.Reason), // 5.2: none and permerror
                };
            }
            case SpfMechanismKind.Exists:
            {
                var a = await _dns.IPv4Async(target, ct).ConfigureAwait(false);
                return Answered(run, a.Status, target) ?? (a.IsOk ? Match.Yes : Match.No);
            }
            case SpfMechanismKind.A:
            {
                var a = await AddressesAsync(client, target, ct).ConfigureAwait(false);
                return Answered(run, a.Status, target) ?? (a.IsOk && AnyInNetwork(client, a.Values, m) ? Match.Yes : Match.No);
            }
            case SpfMechanismKind.Mx:
                return await MatchMxAsync(run, client, target, m, ct).ConfigureAwait(false);
            default:
                return await MatchPtrAsync(client, target, ct).ConfigureAwait(false) ? Match.Yes : Match.No;
        }
    }

    private async ValueTask<Match> MatchMxAsync(SpfRun run, IPAddress client, string target, SpfMechanism m, CancellationToken ct)
    {
        var mx = await _dns.MxAsync(target, ct).ConfigureAwait(false);
        if (Answered(run, mx.Status, target) is { } error) return error;
        if (!mx.IsOk) return Match.No;
        if (mx.Values.Count > MaxMxNames) return Match.Fail(SpfResult.PermError, "more than 10 MX names at " + target);
        foreach (var host in mx.Values)
        {
            var a = await AddressesAsync(client, host.Host, ct).ConfigureAwait(false);
            if (a.Status == DnsStatus.TempFail) return Match.Fail(SpfResult.TempError, "DNS failure looking up " + host.Host);
            if (a.IsOk && AnyInNetwork(client, a.Values, m)) return Match.Yes;
        }
        return Match.No;
    }

    /// <summary>5.5: a PTR name matches when it resolves back to the client and is the target or under it.</summary>
    private async ValueTask<bool> MatchPtrAsync(IPAddress client, string target, CancellationToken ct)
    {
        foreach (var name in await ValidatedNamesAsync(client, ct).ConfigureAwait(false))
            if (name.Equals(target, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + target, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private async ValueTask<List<string>> ValidatedNamesAsync(IPAddress client, CancellationToken ct)
    {
        var names = new List<string>();
        var ptr = await _dns.ReverseAsync(client, ct).ConfigureAwait(false);
        if (!ptr.IsOk) return names; // 5.5: DNS errors here mean no match
        foreach (var name in ptr.Values.Take(MaxPtrNames))
        {
            if (!IsValidDomain(name)) continue;
            var a = await AddressesAsync(client, name, ct).ConfigureAwait(false);
            if (a.IsOk && a.Values.Any(x => x.Equals(client))) names.Add(name);
        }
        return names;
    }

    /// <summary>A void answer is counted (4.6.4: more than two is a permerror); a DNS failure is a temperror.</summary>
    private static Match? Answered(SpfRun run, DnsStatus status, string target) => status switch
    {
        DnsStatus.TempFail => Match.Fail(SpfResult.TempError, "DNS failure looking up " + target),
        DnsStatus.NotFound when ++run.VoidLookups > MaxVoidLookups => Match.Fail(SpfResult.PermError, "more than 2 void lookups"),
        _ => null,
    };

    private ValueTask<DnsAnswer<IPAddress>> AddressesAsync(IPAddress client, string name, CancellationToken ct) =>
        client.AddressFamily == AddressFamily.InterNetwork ? _dns.IPv4Async(name, ct) : _dns.IPv6Async(name, ct);

    /// <summary>Expands a domain-spec and makes it a name to ask for (4.8: left-truncated to 253 characters).</summary>
    private async ValueTask<string?> TargetAsync(SpfRun run, SpfMacroContext ctx, string spec, CancellationToken ct)
    {
        ctx = await WithValidatedNameAsync(ctx, spec, ct).ConfigureAwait(false);
        var name = SpfMacro.Expand(spec, ctx);
        if (name is null) return null;
        name = name.TrimEnd('.');
        while (name.Length > 253)
        {
            int dot = name.IndexOf('.');
            if (dot < 0) return null;
            name = name[(dot + 1)..];
        }
        return name.Length == 0 ? null : name;
    }

    /// <summary>7.3 "p": the validated name of the client, the domain itself or one under it preferred. Looked up only
    /// when the text uses it.</summary>
    private async ValueTask<SpfMacroContext> WithValidatedNameAsync(SpfMacroContext ctx, string text, CancellationToken ct)
    {
        if (ctx.ValidatedName is not null || !text.Contains("%{p", StringComparison.OrdinalIgnoreCase)) return ctx;
        var names = await ValidatedNamesAsync(ctx.Client, ct).ConfigureAwait(false);
        var chosen = names.FirstOrDefault(n => n.Equals(ctx.Domain, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault(n => n.EndsWith("." + ctx.Domain, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault() ?? "unknown";
        return ctx with { ValidatedName = chosen };
    }

    /// <summary>6.2: the exp= text; any problem (DNS, not exactly one record, bad macro) means no explanation.</summary>
    private async ValueTask<string?> ExplainAsync(SpfRun run, SpfMacroContext ctx, string spec, CancellationToken ct)
    {
        var name = await TargetAsync(run, ctx, spec, ct).ConfigureAwait(false);
        if (name is null || !IsValidDomain(name)) return null;
        var txt = await _dns.TxtAsync(name, ct).ConfigureAwait(false);
        if (!txt.IsOk || txt.Values.Count != 1) return null;
        ctx = await WithValidatedNameAsync(ctx, txt.Values[0], ct).ConfigureAwait(false);
        var text = SpfMacro.Expand(txt.Values[0], ctx, explain: true);
        return text is { Length: > 0 } && text.All(c => c >= 0x20 && c <= 0x7E) ? text : null;
    }

    private static bool AnyInNetwork(IPAddress client, IReadOnlyList<IPAddress> addresses, SpfMechanism m)
    {
        int prefix = client.AddressFamily == AddressFamily.InterNetwork ? m.Cidr4 : m.Cidr6;
        foreach (var a in addresses)
            if (InNetwork(client, a, prefix)) return true;
        return false;
    }

    private static bool InNetwork(IPAddress client, IPAddress network, int prefix)
    {
        if (client.AddressFamily != network.AddressFamily) return false;
        Span<byte> a = stackalloc byte[16], b = stackalloc byte[16];
        client.TryWriteBytes(a, out int len);
        network.TryWriteBytes(b, out _);
        int full = prefix / 8, bits = prefix % 8;
        if (!a[..full].SequenceEqual(b[..full])) return false;
        if (bits == 0 || full >= len) return true;
        int mask = 0xFF << (8 - bits) & 0xFF;
        return (a[full] & mask) == (b[full] & mask);
    }

    /// <summary>4.3: labels of 1..63 characters, at most 253 in all, no empty label inside.</summary>
    internal static bool IsValidDomain(string domain)
    {
        if (domain.Length == 0 || domain.Length > 253) return false;
        foreach (var label in domain.Split('.'))
            if (label.Length == 0 || label.Length > 63) return false;
        return true;
    }

    /// <summary>Counters shared by one check_host() and every include/redirect under it.</summary>
    private sealed class SpfRun(SpfMacroContext macros)
    {
        public SpfMacroContext Macros { get; } = macros;
        public int Lookups;
        public int VoidLookups;
    }

    private readonly record struct Outcome(SpfResult Result, string? Explanation = null, string? Reason = null);

    private readonly record struct Match(bool Matched, Outcome? Error)
    {
        public static readonly Match Yes = new(true, null);
        public static readonly Match No = new(false, null);
        public static Match Fail(SpfResult r, string? reason) => new(false, new Outcome(r, Reason: reason));
    }
}
