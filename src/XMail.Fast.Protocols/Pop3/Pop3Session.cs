using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Mailbox;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Security;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// One POP3 conversation (RFC 1939 as XMail 1.27 speaks it): AUTHORIZATION (USER/PASS, APOP, CAPA, STLS, QUIT),
/// TRANSACTION (STAT, LIST, UIDL, RETR, TOP, DELE, NOOP, LAST, RSET, QUIT) and UPDATE (deletions happen only on
/// QUIT; a dropped connection deletes nothing). Replies are written straight into the output pipe and flushed
/// once per batch of pipelined commands; message files are streamed by <see cref="MessageStreamer"/>.
/// </summary>
internal sealed class Pop3Session
{
    /// <summary>Longest accepted command line (XMail 1.27 reads 1023 bytes).</summary>
    public const int MaxLine = 1024;

    private enum State { Authorization, UserGiven, Transaction, Exit }

    private static long _stampSeq = Random.Shared.NextInt64(1, 1L << 40);

    private readonly MailServerContext _ctx;
    private readonly SessionTransport _t;
    private readonly ServerCertificate _cert;
    private readonly Pop3Services _services;
    private readonly ILogger _log;
    private readonly ServiceOptions _options;
    private readonly byte[] _line = new byte[MaxLine + 2];

    private State _state = State.Authorization;
    private string _user = "";
    private string _domain;
    private string _password = "";
    private readonly string _timestamp;
    private int _badLoginWaitSeconds;

    private Pop3MailboxLock? _lock;
    private Pop3Mailbox? _mailbox;
    private bool[] _deleted = [];
    private int _count;
    private long _size;
    private int _lastAccessed;

    public Pop3Session(MailServerContext ctx, SessionTransport t, ServerCertificate cert, Pop3Services services, ServiceOptions options, ILogger log)
    {
        _ctx = ctx;
        _t = t;
        _cert = cert;
        _services = services;
        _options = options;
        _log = log;
        _domain = services.Domains.BannerDomain();
        _timestamp = "<" + ctx.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "." +
                     Interlocked.Increment(ref _stampSeq).ToString(CultureInfo.InvariantCulture) + "@" + _domain + ">";
        _badLoginWaitSeconds = ctx.Options.Pop3BadLoginWaitSeconds;
    }

    private PipeWriter Out => _t.Output;

    public async Task RunAsync()
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_t.Closed);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds));
        try
        {
            Write("+OK ");
            Write(_timestamp);
            Write(" [" + MailServerContext.ProductName + " POP3 Server] service ready; ");
            Write(Core.Smtp.MailDate.Now(_ctx.Time));
            Crlf();
            await Out.FlushAsync(_t.Closed).ConfigureAwait(false);

            while (_state != State.Exit)
            {
                idle.CancelAfter(timeout);
                var input = _t.Input;
                ReadResult result;
                try { result = await input.ReadAsync(idle.Token).ConfigureAwait(false); }
                catch (OperationCanceledException)
                {
                    _log.LogInformation("POP3 session timeout [{Ip}]", _t.RemoteAddress);
                    return;
                }
                var buffer = result.Buffer;
                bool switchTls = false;
                while (_state != State.Exit)
                {
                    var status = LineReader.TryRead(ref buffer, MaxLine, out var line);
                    if (status == LineStatus.NeedMore) break;
                    if (status == LineStatus.TooLong)
                    {
                        // Drop the rest of the over-long line (up to its LF) and say so once.
                        var pos = buffer.PositionOf((byte)'\n');
                        buffer = pos is null ? buffer.Slice(buffer.End) : buffer.Slice(buffer.GetPosition(1, pos.Value));
                        if (pos is null && !_discarding) { _discarding = true; WriteLine("-ERR Command line too long"); }
                        else if (pos is not null)
                        {
                            if (!_discarding) WriteLine("-ERR Command line too long");
                            _discarding = false;
                        }
                        _log.LogInformation("POP3 over-long command line [{Ip}]", _t.RemoteAddress);
                        if (pos is null) break;
                        continue;
                    }
                    if (_discarding)
                    {
                        _discarding = false; // tail of an over-long line
                        continue;
                    }
                    int n = (int)line.Length;
                    line.CopyTo(_line);
                    var action = await ExecuteAsync(n).ConfigureAwait(false);
                    if (action == Action.StartTls)
                    {
                        switchTls = true;
                        break;
                    }
                }
                if (switchTls)
                {
                    // Whatever the client pipelined after STLS is not TLS: drop it (command injection).
                    input.AdvanceTo(result.Buffer.End);
                    var cert = _cert.Current!;
                    try { await _t.StartTlsAsync(cert, TimeSpan.FromSeconds(30)).ConfigureAwait(false); }
                    catch (Exception ex)
                    {
                        _log.LogInformation("POP3 failed to STLS [{Ip}]: {Error}", _t.RemoteAddress, ex.Message);
                        return;
                    }
                    continue;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                var flush = await Out.FlushAsync(_t.Closed).ConfigureAwait(false);
                if (flush.IsCompleted || result.IsCompleted || result.IsCanceled) break;
            }
            await Out.FlushAsync(_t.Closed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            _log.LogDebug("POP3 connection [{Ip}] ended: {Error}", _t.RemoteAddress, ex.Message);
        }
        finally
        {
            _lock?.Dispose();
            _lock = null;
        }
    }

    private bool _discarding;

    private enum Action { Continue, StartTls }

    private async ValueTask<Action> ExecuteAsync(int length)
    {
        var verb = Pop3CommandParser.ParseVerb(_line.AsSpan(0, length), out _);
        switch (verb)
        {
            case Pop3Verb.User: DoUser(length); break;
            case Pop3Verb.Pass: await DoPassAsync(length).ConfigureAwait(false); break;
            case Pop3Verb.Apop: await DoApopAsync(length).ConfigureAwait(false); break;
            case Pop3Verb.Capa: DoCapa(); break;
            case Pop3Verb.Stls: return await DoStlsAsync().ConfigureAwait(false);
            case Pop3Verb.Quit: DoQuit(); break;
            case Pop3Verb.Unknown: WriteLine("-ERR Invalid command"); break;
            default:
                if (_state != State.Transaction)
                {
                    WriteLine("-ERR Command not valid here");
                    break;
                }
                await ExecuteTransactionAsync(verb, length).ConfigureAwait(false);
                break;
        }
        return Action.Continue;
    }

    private async ValueTask ExecuteTransactionAsync(Pop3Verb verb, int length)
    {
        Pop3CommandParser.ParseVerb(_line.AsSpan(0, length), out var args);
        switch (verb)
        {
            case Pop3Verb.Stat:
                Write("+OK "); Number(_count); Write(" "); Number(_size); Crlf();
                break;
            case Pop3Verb.Noop:
            case Pop3Verb.Rset:
                if (verb == Pop3Verb.Rset) ResetDeletions();
                WriteMaildrop();
                break;
            case Pop3Verb.Last:
                Write("+OK "); Number(_lastAccessed); Crlf();
                break;
            case Pop3Verb.List:
            case Pop3Verb.Uidl:
                DoListOrUidl(verb == Pop3Verb.Uidl, args);
                break;
            case Pop3Verb.Dele:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index)) { WriteLine("-ERR Invalid syntax"); break; }
                if (!CheckMessage(index)) break;
                _deleted[index - 1] = true;
                _count--;
                _size -= _mailbox!.Messages[index - 1].Size;
                _lastAccessed = index;
                WriteLine("+OK Message deleted");
                break;
            }
            case Pop3Verb.Retr:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index)) { WriteLine("-ERR Invalid syntax"); break; }
                await SendMessageAsync(index, -1, top: false).ConfigureAwait(false);
                break;
            }
            case Pop3Verb.Top:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index) || !Pop3CommandParser.TryReadInt(ref args, out int lines))
                {
                    WriteLine("-ERR Invalid syntax");
                    break;
                }
                await SendMessageAsync(index, Math.Max(0, lines), top: true).ConfigureAwait(false);
                break;
            }
        }
    }

    /// <summary>Range and deletion checks shared by DELE, RETR and TOP (XMail's wording).</summary>
    private bool CheckMessage(int index)
    {
        if (index < 1 || index > _deleted.Length)
        {
            WriteLine("-ERR Message out of range");
            return false;
        }
        if (_deleted[index - 1])
        {
            WriteLine("-ERR Message deleted");
            return false;
        }
        return true;
    }

    private void DoListOrUidl(bool uidl, ReadOnlySpan<byte> args)
    {
        var messages = _mailbox!.Messages;
        if (Pop3CommandParser.TryReadInt(ref args, out int index))
        {
            if (index < 1 || index > messages.Count || _deleted[index - 1])
            {
                WriteLine("-ERR No such message");
                return;
            }
            Write("+OK "); Number(index); Write(" ");
            if (uidl) Write(messages[index - 1].Uidl); else Number(messages[index - 1].Size);
            Crlf();
            return;
        }
        Write("+OK "); Number(_count);
        if (!uidl) { Write(" "); Number(_size); }
        Crlf();
        for (int i = 0; i < messages.Count; i++)
        {
            if (_deleted[i]) continue;
            Number(i + 1); Write(" ");
            if (uidl) Write(messages[i].Uidl); else Number(messages[i].Size);
            Crlf();
        }
        WriteLine(".");
    }

    private async ValueTask SendMessageAsync(int index, long bodyLines, bool top)
    {
        if (!CheckMessage(index)) return;
        var message = _mailbox!.Messages[index - 1];
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_mailbox.FullPath(message), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("POP3 cannot open message {File}: {Error}", message.RelativePath, ex.Message);
            WriteLine("-ERR Unable to open message file");
            return;
        }
        using (handle)
        {
            Write(top ? "+OK message is " : "+OK "); Number(message.Size); Write(" bytes"); Crlf();
            await MessageStreamer.WriteAsync(handle, Out, bodyLines, _t.Closed).ConfigureAwait(false);
        }
        _lastAccessed = index;
    }

    private void ResetDeletions()
    {
        Array.Clear(_deleted);
        _count = _mailbox!.Messages.Count;
        _size = _mailbox.TotalSize;
        _lastAccessed = 0;
    }

    private void WriteMaildrop()
    {
        Write("+OK Maildrop has "); Number(_count); Write(" messages ("); Number(_size); Write(" bytes)"); Crlf();
    }

    private void DoCapa()
    {
        Write("+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\n");
        if (TlsOffered) Write("STLS\r\n");
        Write("IMPLEMENTATION [" + MailServerContext.ProductName + " POP3 Server]\r\n.\r\n");
    }

    private bool TlsOffered => !_t.IsSecure && _ctx.Config.EnablePop3Tls && _cert.Current is not null;

    private async ValueTask<Action> DoStlsAsync()
    {
        if (_state != State.Authorization)
        {
            WriteLine("-ERR Command not valid here");
            return Action.Continue;
        }
        if (_t.IsSecure)
        {
            WriteLine("-ERR Command not permitted when TLS active");
            return Action.Continue;
        }
        if (!_ctx.Config.EnablePop3Tls)
        {
            WriteLine("-ERR Command disabled");
            return Action.Continue;
        }
        if (_cert.Current is null)
        {
            WriteLine("-ERR Server TLS setup error");
            return Action.Continue;
        }
        WriteLine("+OK Begin TLS negotiation");
        await Out.FlushAsync(_t.Closed).ConfigureAwait(false);
        return Action.StartTls;
    }

    private void DoQuit()
    {
        if (_state == State.Transaction && _mailbox is not null)
        {
            var gone = new List<Pop3MessageFile>();
            for (int i = 0; i < _deleted.Length; i++) if (_deleted[i]) gone.Add(_mailbox.Messages[i]);
            if (gone.Count > 0) _mailbox.Delete(gone);
        }
        _state = State.Exit;
        // Release the mailbox before the reply: a client that reconnects right after +OK must not find it locked.
        _lock?.Dispose();
        _lock = null;
        WriteLine("+OK [" + MailServerContext.ProductName + " POP3 Server] closing session");
    }

    // ---- AUTHORIZATION ----------------------------------------------------------------------------------------

    private string LineText(int length) => Encoding.Latin1.GetString(_line, 0, length);

    private static string[] Tokens(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>USER name[@domain]; '@', ':' and '%' separate name and domain as in XMail 1.27.</summary>
    private bool SetUserAndDomain(string login)
    {
        int sep = login.IndexOfAny(['@', ':', '%']);
        string name = sep < 0 ? login : login[..sep];
        string domain = sep < 0 ? "" : login[(sep + 1)..];
        if (name.Length == 0 || (sep >= 0 && domain.Length == 0)) return false;
        _user = name;
        _explicitDomain = domain.Length > 0;
        if (_explicitDomain) _domain = domain;
        return true;
    }

    private bool _explicitDomain;

    private void DoUser(int length)
    {
        if (_state != State.Authorization)
        {
            WriteLine("-ERR Command not valid here");
            return;
        }
        var tokens = Tokens(LineText(length));
        if (tokens.Length != 2)
        {
            WriteLine("-ERR Invalid syntax");
            return;
        }
        if (!SetUserAndDomain(tokens[1]))
        {
            WriteLine("-ERR Invalid username");
            return;
        }
        _state = State.UserGiven;
        _userNeedsDomain = !_explicitDomain;
        WriteLine("+OK Password required for " + _user + "@" + (_explicitDomain ? _domain : _services.Domains.BannerDomain()));
    }

    private bool _userNeedsDomain;

    private async ValueTask DoPassAsync(int length)
    {
        if (_state != State.UserGiven)
        {
            WriteLine("-ERR Command not valid here");
            return;
        }
        string text = LineText(length);
        // RFC 1939 lets the password contain spaces: everything after "PASS ".
        int sp = text.IndexOf(' ');
        string password = sp < 0 ? "" : text[(sp + 1)..];
        if (password.Length == 0)
        {
            _state = State.Authorization;
            WriteLine("-ERR Invalid syntax");
            return;
        }
        _password = password;
        if (_userNeedsDomain) _domain = await _services.Domains.ResolveAsync(_t.LocalAddress).ConfigureAwait(false);
        await LoginAsync(password, apopDigest: null).ConfigureAwait(false);
    }

    private async ValueTask DoApopAsync(int length)
    {
        if (_state != State.Authorization)
        {
            WriteLine("-ERR Command not valid here");
            return;
        }
        var tokens = Tokens(LineText(length));
        if (tokens.Length != 3)
        {
            WriteLine("-ERR Invalid syntax");
            return;
        }
        if (!SetUserAndDomain(tokens[1]))
        {
            WriteLine("-ERR Invalid username");
            return;
        }
        if (!_explicitDomain) _domain = await _services.Domains.ResolveAsync(_t.LocalAddress).ConfigureAwait(false);
        _password = tokens[2];
        await LoginAsync(null, apopDigest: tokens[2]).ConfigureAwait(false);
    }

    private async ValueTask LoginAsync(string? password, string? apopDigest)
    {
        string domain = _domain.ToLowerInvariant();
        var user = MailRoot.IsSafeName(domain) && MailRoot.IsSafeName(_user) ? _ctx.Accounts.FindUser(domain, _user) : null;
        string userDir = user is null ? "" : _ctx.Accounts.UserDirectory(user);

        // External authentication first (userauth/pop3); when it answers, mailusers.tab's password is not checked.
        var ext = await _services.ExternalAuth.RunAsync("pop3", "userauth", domain, _user, password ?? apopDigest ?? "", userDir, _t.Closed).ConfigureAwait(false);
        string? failure = null;
        if (ext == ExternalAuthResult.Failed) failure = "external auth refused";
        else if (user is null) failure = "no such user";
        else
        {
            var vars = _ctx.Accounts.GetUserVars(user);
            if (!vars.PopEnable) failure = "POP3 disabled for the account";
            else if (!UserIpAllowed(userDir)) failure = "address not allowed by the account's pop3.ipmap.tab";
            else if (ext != ExternalAuthResult.Succeeded)
            {
                bool ok = apopDigest is not null
                    ? Md5Hex.DigestEquals(Md5Hex.Of(_timestamp + user.Password), apopDigest.ToLowerInvariant())
                    : string.Equals(password, user.Password, StringComparison.Ordinal);
                if (!ok) failure = "bad password";
            }
            if (failure is null)
            {
                _scanCur = vars.Pop3ScanCur;
            }
        }
        if (failure is not null)
        {
            await BadLoginAsync(failure).ConfigureAwait(false);
            return;
        }

        _lock = Pop3MailboxLock.TryAcquire(_ctx.Root.Pop3LocksDir, user!.Domain, user.Name);
        if (_lock is null)
        {
            _state = State.Authorization;
            Log("ELOCKED");
            _log.LogInformation("POP3 mailbox {User}@{Domain} locked by another session [{Ip}]", user.Name, user.Domain, _t.RemoteAddress);
            WriteLine("-ERR [IN-USE] Mailbox locked by another session");
            return;
        }
        try
        {
            _mailbox = Pop3Mailbox.Open(userDir, MailboxLayout.UsesMaildir(userDir, _ctx.Accounts.UseMaildir), _scanCur);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _lock.Dispose();
            _lock = null;
            _state = State.Authorization;
            _log.LogWarning("POP3 cannot read mailbox of {User}@{Domain}: {Error}", user.Name, user.Domain, ex.Message);
            WriteLine("-ERR Unable to read the mailbox");
            return;
        }
        _deleted = new bool[_mailbox.Messages.Count];
        ResetDeletions();
        _state = State.Transaction;
        _user = user.Name;
        _domain = user.Domain;

        var now = _ctx.Time.GetUtcNow();
        _ctx.Pop3BeforeSmtp.Record(_t.RemoteAddress, now);
        try { LastLogin.Record(userDir, _t.RemoteAddress, now); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("POP3 cannot record last login of {User}@{Domain}: {Error}", user.Name, user.Domain, ex.Message);
        }
        Log("LOGIN", _count.ToString(CultureInfo.InvariantCulture), _size.ToString(CultureInfo.InvariantCulture));
        _log.LogInformation("POP3 login {User}@{Domain} [{Ip}]", user.Name, user.Domain, _t.RemoteAddress);
        WriteMaildrop();
    }

    private bool _scanCur;

    private bool UserIpAllowed(string userDir)
    {
        string path = Path.Combine(userDir, "pop3.ipmap.tab");
        if (!File.Exists(path)) return true;
        return IpMap.Load(path, _log).IsAllowed(_t.RemoteAddress);
    }

    /// <summary>XMail 1.27: wait -Pw seconds (doubling each time) or, with -Ph, drop the connection.</summary>
    private async ValueTask BadLoginAsync(string reason)
    {
        _log.LogInformation("POP3 bad login {User}@{Domain} [{Ip}]: {Reason}", _user, _domain, _t.RemoteAddress, reason);
        XMail.Fast.Core.Telemetry.XMailMetrics.AuthFailures.Add(1, XMail.Fast.Core.Telemetry.XMailMetrics.Tag("protocol", "pop3"));
        Log("ELOGIN");
        if (_ctx.Options.Pop3HangOnBadLogin) _state = State.Exit;
        else
        {
            _state = State.Authorization;
            if (_badLoginWaitSeconds > 0)
            {
                await Out.FlushAsync(_t.Closed).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(_badLoginWaitSeconds), _ctx.Time, _t.Closed).ConfigureAwait(false);
                _badLoginWaitSeconds = (int)Math.Min(3600, _badLoginWaitSeconds * 2L);
            }
        }
        WriteLine("-ERR Invalid auth or access denied");
    }

    private void Log(string status, params string[] extra)
    {
        if (!_options.Log && !_ctx.Options.Pop3.Log) return;
        int mode = _ctx.Config.Pop3LogPasswd;
        string pw = mode == 2 || (mode == 1 && status != "LOGIN") ? _password : "";
        try
        {
            _services.LogFile.Write(_t.LocalAddress.ToString(), _domain, _t.RemoteAddress.ToString(), _user + "@" + _domain, pw, status, extra);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("POP3 log write failed: {Error}", ex.Message);
        }
    }

    // ---- reply writing (straight into the pipe, no per-reply strings on the hot path) -------------------------

    private void Write(string ascii)
    {
        var span = Out.GetSpan(ascii.Length);
        int n = Encoding.Latin1.GetBytes(ascii, span);
        Out.Advance(n);
    }

    private void Crlf()
    {
        var span = Out.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        Out.Advance(2);
    }

    private void WriteLine(string ascii)
    {
        Write(ascii);
        Crlf();
    }

    private void Number(long value)
    {
        var span = Out.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int n);
        Out.Advance(n);
    }
}
