using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using MimeKit;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Dns;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.MailAuth.Dkim;
using XMail.Fast.Delivery.MailAuth.Dmarc;
using XMail.Fast.Delivery.MailAuth.Spf;

namespace XMail.Fast.Delivery.MailAuth;

/// <summary>
/// The server's <see cref="IMailAuthenticator"/>: SPF (<see cref="SpfEvaluator"/>), DKIM (<see cref="DkimMessageVerifier"/>),
/// ARC (<see cref="ArcChainVerifier"/>) and DMARC (<see cref="DmarcEvaluator"/>) over the server's resolver and its
/// cache, configured by server.tab (<see cref="MailAuthSettings"/>), then <see cref="SpoolAuthStamp"/> writes the
/// verdict into the spool file.
/// </summary>
public sealed class MailAuthenticator : IMailAuthenticator
{
    private readonly MailServerContext _ctx;
    private readonly SpfEvaluator _spf;
    private readonly DkimMessageVerifier _dkim;
    private readonly ArcChainVerifier _arc;
    private readonly DmarcEvaluator _dmarc;
    private readonly PublicSuffixSource _psl;
    private readonly ILogger _log;
    private (ServerConfig Config, MailAuthSettings Settings)? _settings;

    public MailAuthenticator(MailServerContext ctx, IDnsResolver dns, Func<int>? dmarcSample = null)
    {
        _ctx = ctx;
        _log = ctx.Loggers.CreateLogger("XMail.MailAuth");
        _spf = new SpfEvaluator(dns, ctx.Time, _log) { Receiver = ctx.Config.SmtpServerDomain };
        var keys = new DnsDkimKeyLocator(dns);
        _dkim = new DkimMessageVerifier(keys, ctx.Time, _log);
        _arc = new ArcChainVerifier(keys, _log);
        _dmarc = new DmarcEvaluator(dns, dmarcSample);
        _psl = new PublicSuffixSource(ctx.Time, _log);
    }

    public MailAuthSettings Settings
    {
        get
        {
            var cfg = _ctx.Config;
            if (_settings is { } s && ReferenceEquals(s.Config, cfg)) return s.Settings;
            var fresh = MailAuthSettings.From(cfg);
            _settings = (cfg, fresh);
            return fresh;
        }
    }

    public ValueTask<SpfVerdict> CheckMailFromAsync(IPAddress client, string helo, string mailFrom, CancellationToken ct = default) =>
        _spf.CheckMailFromAsync(client, helo, mailFrom, ct);

    public ValueTask<SpfVerdict> CheckHeloAsync(IPAddress client, string helo, CancellationToken ct = default) =>
        _spf.CheckHeloAsync(client, helo, ct);

    public bool IsExemptDomain(string domain) =>
        _ctx.Table("mailauth.exempt.tab", (p, l) => ExemptDomainsTable.Load(p, l)).Matches(domain);

    /// <summary>Spool files up to this size are read once into memory and written back in place.</summary>
    public const int InMemoryLimit = 1024 * 1024;

    public async ValueTask<MessageAuthVerdict> CheckMessageAsync(MessageAuthRequest request, CancellationToken ct = default)
    {
        var settings = Settings;
        if (!settings.AnyMessageCheck) return MessageAuthVerdict.Skipped;
        using var file = File.OpenHandle(request.SpoolFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(file);
        if (length > InMemoryLimit) return await CheckLargeAsync(settings, request, ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            int n = 0, read;
            while (n < length && (read = RandomAccess.Read(file, buffer.AsSpan(n, (int)length - n), n)) > 0) n += read;
            int marker = buffer.AsSpan(0, n).IndexOf(DataMarker);
            if (marker < 0) return MessageAuthVerdict.Skipped;
            int dataOffset = marker + DataMarker.Length;
            var messageBytes = buffer.AsMemory(dataOffset, n - dataOffset);
            var message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(buffer, dataOffset, n - dataOffset, writable: false), ct);
            int bodyLength = messageBytes.Length - SpoolAuthStamp.HeaderEnd(messageBytes.Span);
            var verdict = await EvaluateAsync(settings, request, message, bodyLength, ct).ConfigureAwait(false);
            if (Fields(settings, verdict) is { } fields)
                Removed(settings, SpoolAuthStamp.RewriteInPlace(file, dataOffset, messageBytes.Span, fields, settings.AuthServId));
            return verdict;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlySpan<byte> DataMarker => "<<MAIL-DATA>>\r\n"u8;

    /// <summary>A large message: parsed from the file (MimeKit keeps its parts on disk), rewritten by copy.</summary>
    private async ValueTask<MessageAuthVerdict> CheckLargeAsync(MailAuthSettings settings, MessageAuthRequest request, CancellationToken ct)
    {
        var header = SpoolHeader.ReadFile(request.SpoolFile);
        if (header is null) return MessageAuthVerdict.Skipped;
        MessageAuthVerdict verdict;
        long bodyOffset;
        using (var stream = new FileStream(request.SpoolFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024))
        {
            bodyOffset = MessageBodyOffset(stream, header.DataOffset);
            stream.Position = header.DataOffset;
            var message = await MimeMessage.LoadAsync(ParserOptions.Default, stream, persistent: true, ct).ConfigureAwait(false);
            verdict = await EvaluateAsync(settings, request, message, stream.Length - bodyOffset, ct).ConfigureAwait(false);
        }
        if (Fields(settings, verdict) is { } fields)
            Removed(settings, SpoolAuthStamp.RewriteByCopy(request.SpoolFile, header.DataOffset, bodyOffset, fields, settings.AuthServId));
        return verdict;
    }

    /// <summary>What goes on top of an accepted message: Authentication-Results and the quarantine mark; null: nothing.</summary>
    private static string? Fields(MailAuthSettings settings, MessageAuthVerdict verdict)
    {
        if (verdict.Disposition == MessageDisposition.Reject) return null;
        bool quarantine = verdict.Disposition == MessageDisposition.Quarantine;
        if (!settings.AuthResults && !quarantine) return null;
        var fields = settings.AuthResults ? verdict.AuthenticationResults! : "";
        return quarantine ? fields + settings.QuarantineHeader.TrimEnd() + "\r\n" : fields;
    }

    private void Removed(MailAuthSettings settings, int forged)
    {
        if (forged > 0) _log.LogInformation("MailAuth: removed {Count} forged Authentication-Results claiming {Id}", forged, settings.AuthServId);
    }

    private async ValueTask<MessageAuthVerdict> EvaluateAsync(MailAuthSettings settings, MessageAuthRequest request, MimeMessage message, long bodyLength, CancellationToken ct)
    {
        bool needDkim = settings.DkimVerify || settings.DmarcCheck > 0;
        var dkim = needDkim ? await _dkim.VerifyAsync(message, bodyLength, settings.DkimMinKeyBits, ct).ConfigureAwait(false) : [];
        var (arc, sealer, _) = settings.ArcVerify ? await _arc.VerifyAsync(message, settings.DkimMinKeyBits, ct).ConfigureAwait(false) : (ArcResult.None, null, null);
        var fromDomains = FromDomains(message);
        var dmarc = settings.DmarcCheck > 0
            ? await _dmarc.EvaluateAsync(fromDomains, request.MailFromSpf, dkim, _psl.Get(settings.PublicSuffixList), ct).ConfigureAwait(false)
            : DmarcVerdict.NotChecked;
        var disposition = MessageDisposition.Accept;
        string? reply = null;
        if (settings.DmarcCheck >= 2 && dmarc.Result == DmarcResult.Fail && dmarc.AppliedPolicy != DmarcPolicy.None)
        {
            var why = Exemption(settings, request, fromDomains, arc, sealer);
            if (why is not null)
                _log.LogInformation("MailAuth: DMARC {Policy} for {Domain} not applied: {Why}", dmarc.AppliedPolicy, dmarc.FromDomain, why);
            else if (dmarc.AppliedPolicy == DmarcPolicy.Reject)
            {
                disposition = MessageDisposition.Reject;
                reply = "550 5.7.1 Email rejected per DMARC policy for " + dmarc.FromDomain;
            }
            else disposition = MessageDisposition.Quarantine;
        }
        var ar = AuthenticationResultsField.Build(settings.AuthServId, request.MailFromSpf, request.HeloSpf, settings.DkimVerify || dkim.Count > 0 ? dkim : [],
            arc, sealer, dmarc, settings.ArcVerify, settings.DmarcCheck > 0);
        return new MessageAuthVerdict(disposition, dkim, arc, dmarc, reply, ar);
    }

    /// <summary>Why a failing message is let through: an exempt sender domain, or an ARC chain sealed by a trusted forwarder.</summary>
    private string? Exemption(MailAuthSettings settings, MessageAuthRequest request, IReadOnlyList<string> fromDomains, ArcResult arc, string? sealer)
    {
        int at = request.MailFrom.LastIndexOf('@');
        if (at >= 0 && IsExemptDomain(request.MailFrom[(at + 1)..])) return "envelope sender domain in mailauth.exempt.tab";
        if (fromDomains.Any(IsExemptDomain)) return "From domain in mailauth.exempt.tab";
        if (arc == ArcResult.Pass && sealer is not null && settings.ArcTrustedSealers.Contains(sealer, StringComparer.OrdinalIgnoreCase))
            return "ARC chain sealed by trusted " + sealer;
        return null;
    }

    /// <summary>The domains of every mailbox in every From field (DMARC's RFC5322.From).</summary>
    private static List<string> FromDomains(MimeMessage message)
    {
        var domains = new List<string>();
        foreach (var h in message.Headers)
        {
            if (h.Id != HeaderId.From) continue;
            if (!InternetAddressList.TryParse(h.Value, out var list)) continue;
            foreach (var m in list.Mailboxes)
                if (m.Domain is { Length: > 0 } d) domains.Add(d);
        }
        return domains;
    }

    /// <summary>Where the body starts: after the first empty line following <paramref name="dataOffset"/>.</summary>
    private static long MessageBodyOffset(FileStream f, long dataOffset)
    {
        f.Position = dataOffset;
        long pos = dataOffset;
        bool lineStart = true, crAtStart = false;
        int b;
        while ((b = f.ReadByte()) >= 0)
        {
            pos++;
            if (b == '\n')
            {
                if (lineStart) return pos;
                lineStart = true;
                crAtStart = false;
            }
            else if (b == '\r' && lineStart && !crAtStart) crAtStart = true;
            else lineStart = false;
        }
        return pos;
    }
}
