using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using MimeKit;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.MailAuth;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>
/// DKIM for mail leaving through remote delivery (server.tab DkimSign=1): the keys of the From domain (or its nearest
/// parent with keys, else the envelope sender's domain) sign the message once per delivery pass; every remote group
/// of the same pass reuses the fields. The spool file is never changed: the fields go in front of it on the wire.
/// </summary>
public sealed class DkimOutboundSigner
{
    private readonly MailServerContext _ctx;
    private readonly DkimKeyStore _keys;
    private readonly DkimMessageSigner _signer;
    private readonly ILogger _log;
    private readonly ConditionalWeakTable<SpoolMessage, byte[]> _signed = new();
    private (ServerConfig Config, MailAuthSettings Settings)? _settings;

    public DkimOutboundSigner(MailServerContext ctx, DkimKeyStore keys)
    {
        _ctx = ctx;
        _keys = keys;
        _log = ctx.Loggers.CreateLogger("XMail.DKIM");
        _signer = new DkimMessageSigner(ctx.Time);
    }

    public DkimKeyStore Keys => _keys;

    /// <summary>The DKIM-Signature fields for <paramref name="message"/> (empty: not signed).</summary>
    public ReadOnlyMemory<byte> SignatureFor(SpoolMessage message)
    {
        var settings = Settings();
        if (!settings.DkimSign) return ReadOnlyMemory<byte>.Empty;
        if (_signed.TryGetValue(message, out var done)) return done;
        byte[] fields;
        try
        {
            fields = Sign(message, settings);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning("DKIM: message {Id} not signed: {Error}", message.Id, ex.Message);
            fields = [];
        }
        _signed.AddOrUpdate(message, fields);
        return fields;
    }

    /// <summary>The settings of the current server.tab snapshot, parsed once per snapshot.</summary>
    private MailAuthSettings Settings()
    {
        var cfg = _ctx.Config;
        if (_settings is { } s && ReferenceEquals(s.Config, cfg)) return s.Settings;
        var fresh = MailAuthSettings.From(cfg);
        _settings = (cfg, fresh);
        return fresh;
    }

    private byte[] Sign(SpoolMessage message, MailAuthSettings settings)
    {
        using var stream = message.OpenMessage();
        long start = stream.Position;
        var headers = HeaderList.Load(ParserOptions.Default, stream);
        var from = headers[HeaderId.From] is { } f && InternetAddressList.TryParse(f, out var list) ? list.Mailboxes.FirstOrDefault()?.Domain : null;
        var keys = from is null ? [] : _keys.KeysForSender(from);
        if (keys.Count == 0 && message.Sender.LastIndexOf('@') is int at and >= 0) keys = _keys.KeysForSender(message.Sender[(at + 1)..]);
        if (keys.Count == 0) return [];
        stream.Position = start;
        var text = _signer.Sign(stream, keys, settings.DkimSignHeaders ?? MailAuthSettings.DefaultSignedHeaders);
        if (text.Length > 0) _log.LogDebug("DKIM: message {Id} signed by {Domain} ({Count} key(s))", message.Id, keys[0].Domain, keys.Count);
        return Encoding.ASCII.GetBytes(text);
    }
}
