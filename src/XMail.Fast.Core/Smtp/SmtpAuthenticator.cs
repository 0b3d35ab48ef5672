using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Policy;
using XMail.Fast.Core.Security;

namespace XMail.Fast.Core.Smtp;

/// <summary>
/// The SMTP AUTH backend ("SMTPAUTH.TAB"): mailusers.tab first (full address, ':' allowed for '@', permissions
/// from user.tab SmtpPerms or server.tab DefaultSmtpPerms), then smtpauth.tab (its own permissions).
/// </summary>
public sealed class SmtpAuthenticator
{
    private readonly MailServerContext _ctx;

    public SmtpAuthenticator(MailServerContext ctx) => _ctx = ctx;

    /// <summary>PLAIN and LOGIN: the permissions granted, or null when the credentials are wrong.</summary>
    public SmtpPermissions? CheckPassword(string user, string password)
    {
        if (FindMailUser(user) is { } u)
            return SamePassword(u.Password, password) ? UserPerms(u) : null;
        if (AuthTable.TryGet(user, out var pw, out var perms) && SamePassword(pw, password)) return perms;
        return null;
    }

    // Case-sensitive and constant-time (Md5Hex.DigestEquals ignores case: right for hex digests, wrong for passwords).
    private static bool SamePassword(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    /// <summary>CRAM-MD5: <paramref name="digest"/> must be HMAC-MD5(password, challenge) in lower-case hex.</summary>
    public SmtpPermissions? CheckCramMd5(string user, string challenge, string digest)
    {
        digest = digest.ToLowerInvariant();
        if (FindMailUser(user) is { } u)
            return Md5Hex.DigestEquals(Md5Hex.Hmac(u.Password, challenge), digest) ? UserPerms(u) : null;
        if (AuthTable.TryGet(user, out var pw, out var perms) && Md5Hex.DigestEquals(Md5Hex.Hmac(pw, challenge), digest)) return perms;
        return null;
    }

    /// <summary>The mailusers.tab account for "user@domain" or "user:domain", or null.</summary>
    public UserRecord? FindMailUser(string login)
    {
        int sep = login.IndexOf('@');
        if (sep < 0) sep = login.IndexOf(':');
        if (sep <= 0 || sep == login.Length - 1) return null;
        var user = _ctx.Accounts.FindUser(login.AsSpan(sep + 1), login.AsSpan(0, sep));
        return user is { IsMailingList: false } ? user : null;
    }

    private SmtpPermissions UserPerms(UserRecord u) =>
        SmtpPermissionText.Parse(_ctx.Accounts.GetUserVars(u).SmtpPerms ?? _ctx.Config.DefaultSmtpPerms);

    private SmtpAuthTable AuthTable => _ctx.Table("smtpauth.tab", (p, l) => SmtpAuthTable.Load(p, l));
}
