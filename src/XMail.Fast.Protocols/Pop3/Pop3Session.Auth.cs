using System.Globalization;
using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Mailbox;
using XMail.Fast.Core.Security;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>AUTHORIZATION: USER/PASS and APOP, the login policy, the mailbox lock and the POP3 log.</summary>
internal sealed partial class Pop3Session
{
    private string _user = "";
    private string _domain;
    private string _password = "";
    private bool _explicitDomain;
    private bool _userNeedsDomain;
    private int _badLoginWaitSeconds;
    private Pop3MailboxLock? _lock;

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

    private void DoUser()
    {
        var tokens = Tokens(Reader.LineText());
        if (tokens.Length != 2)
        {
            _t.BufferLine(Pop3Replies.Syntax);
            return;
        }
        if (!SetUserAndDomain(tokens[1]))
        {
            _t.BufferLine(Pop3Replies.BadUserName);
            return;
        }
        _state = Pop3StateTable.After(_state, Pop3Verb.User);
        _userNeedsDomain = !_explicitDomain;
        _t.BufferLine(Pop3Replies.PasswordRequired + _user + "@" + (_explicitDomain ? _domain : _services.Domains.BannerDomain()));
    }

    private async ValueTask DoPassAsync()
    {
        string text = Reader.LineText();
        // RFC 1939 lets the password contain spaces: everything after "PASS ".
        int sp = text.IndexOf(' ');
        string password = sp < 0 ? "" : text[(sp + 1)..];
        if (password.Length == 0)
        {
            _state = Pop3State.Authorization;
            _t.BufferLine(Pop3Replies.Syntax);
            return;
        }
        _password = password;
        if (_userNeedsDomain) _domain = await _services.Domains.ResolveAsync(_t.LocalAddress).ConfigureAwait(false);
        await LoginAsync(Pop3Verb.Pass, password, apopDigest: null).ConfigureAwait(false);
    }

    private async ValueTask DoApopAsync()
    {
        var tokens = Tokens(Reader.LineText());
        if (tokens.Length != 3)
        {
            _t.BufferLine(Pop3Replies.Syntax);
            return;
        }
        if (!SetUserAndDomain(tokens[1]))
        {
            _t.BufferLine(Pop3Replies.BadUserName);
            return;
        }
        if (!_explicitDomain) _domain = await _services.Domains.ResolveAsync(_t.LocalAddress).ConfigureAwait(false);
        _password = tokens[2];
        await LoginAsync(Pop3Verb.Apop, null, apopDigest: tokens[2]).ConfigureAwait(false);
    }

    /// <summary>PASS or APOP: the account's checks, then the lock and the mailbox. A failure goes back to AUTHORIZATION.</summary>
    private async ValueTask LoginAsync(Pop3Verb verb, string? password, string? apopDigest)
    {
        var (user, userDir, failure) = await CheckLoginAsync(password, apopDigest).ConfigureAwait(false);
        if (failure is not null)
        {
            await BadLoginAsync(failure).ConfigureAwait(false);
            return;
        }
        if (!OpenMailbox(user!, userDir)) return;
        _state = Pop3StateTable.After(_state, verb);
        _user = user!.Name;
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

    /// <summary>The login policy: external auth (userauth/pop3) first, then the account, PopEnable, its pop3.ipmap.tab and the password.</summary>
    private async ValueTask<(UserRecord? User, string UserDir, string? Failure)> CheckLoginAsync(string? password, string? apopDigest)
    {
        string domain = _domain.ToLowerInvariant();
        var user = MailRoot.IsSafeName(domain) && MailRoot.IsSafeName(_user) ? _ctx.Accounts.FindUser(domain, _user) : null;
        string userDir = user is null ? "" : _ctx.Accounts.UserDirectory(user);

        // When the external program answers, mailusers.tab's password is not checked.
        var ext = await _services.ExternalAuth.RunAsync("pop3", "userauth", domain, _user, password ?? apopDigest ?? "", userDir, _t.Closed).ConfigureAwait(false);
        if (ext == ExternalAuthResult.Failed) return (user, userDir, "external auth refused");
        if (user is null) return (user, userDir, "no such user");
        var vars = _ctx.Accounts.GetUserVars(user);
        if (!vars.PopEnable) return (user, userDir, "POP3 disabled for the account");
        if (!_services.UserIpMaps.IsAllowed(userDir, _t.RemoteAddress)) return (user, userDir, "address not allowed by the account's pop3.ipmap.tab");
        if (ext != ExternalAuthResult.Succeeded)
        {
            bool ok = apopDigest is not null
                ? Md5Hex.DigestEquals(Md5Hex.Of(_timestamp + user.Password), apopDigest.ToLowerInvariant())
                : string.Equals(password, user.Password, StringComparison.Ordinal);
            if (!ok) return (user, userDir, "bad password");
        }
        _scanCur = vars.Pop3ScanCur;
        return (user, userDir, null);
    }

    /// <summary>Locks and lists the mailbox; false (answered) when another session holds it or it cannot be read.</summary>
    private bool OpenMailbox(UserRecord user, string userDir)
    {
        _lock = Pop3MailboxLock.TryAcquire(_ctx.Root.Pop3LocksDir, user.Domain, user.Name);
        if (_lock is null)
        {
            _state = Pop3State.Authorization;
            Log("ELOCKED");
            _log.LogInformation("POP3 mailbox {User}@{Domain} locked by another session [{Ip}]", user.Name, user.Domain, _t.RemoteAddress);
            _t.BufferLine(Pop3Replies.MailboxInUse);
            return false;
        }
        try
        {
            _mailbox = Pop3Mailbox.Open(userDir, MailboxLayout.UsesMaildir(userDir, _ctx.Accounts.UseMaildir), _scanCur);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ReleaseLock();
            _state = Pop3State.Authorization;
            _log.LogWarning("POP3 cannot read mailbox of {User}@{Domain}: {Error}", user.Name, user.Domain, ex.Message);
            _t.BufferLine(Pop3Replies.MailboxUnreadable);
            return false;
        }
        _deleted = new bool[_mailbox.Messages.Count];
        ResetDeletions();
        return true;
    }

    /// <summary>XMail 1.27: wait -Pw seconds (doubling each time) or, with -Ph, drop the connection.</summary>
    private async ValueTask BadLoginAsync(string reason)
    {
        _log.LogInformation("POP3 bad login {User}@{Domain} [{Ip}]: {Reason}", _user, _domain, _t.RemoteAddress, reason);
        XMail.Fast.Core.Telemetry.XMailMetrics.AuthFailures.Add(1, XMail.Fast.Core.Telemetry.XMailMetrics.Tag("protocol", "pop3"));
        Log("ELOGIN");
        _state = Pop3State.Authorization;
        if (_limits.HangOnBadLogin) Ended = true;
        else if (_badLoginWaitSeconds > 0)
        {
            await Out.FlushAsync(_t.Closed).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(_badLoginWaitSeconds), _ctx.Time, _t.Closed).ConfigureAwait(false);
            _badLoginWaitSeconds = (int)Math.Min(3600, _badLoginWaitSeconds * 2L);
        }
        _t.BufferLine(Pop3Replies.BadLogin);
    }

    /// <summary>-Pl: one line per login attempt; Pop3LogPasswd decides whether the password column is filled.</summary>
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
}
