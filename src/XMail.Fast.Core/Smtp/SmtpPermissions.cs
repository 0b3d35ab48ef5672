namespace XMail.Fast.Core.Smtp;

/// <summary>SMTPAUTH.TAB permission letters: M mail, R relay, V VRFY, T ETRN, Z no size limit, S ease TLS.</summary>
[Flags]
public enum SmtpPermissions
{
    None = 0,
    Mail = 1,
    Relay = 2,
    Vrfy = 4,
    Etrn = 8,
    NoSizeLimit = 16,
    EaseTls = 32,
}

public static class SmtpPermissionText
{
    public static SmtpPermissions Parse(ReadOnlySpan<char> letters)
    {
        var p = SmtpPermissions.None;
        foreach (char c in letters)
        {
            p |= char.ToUpperInvariant(c) switch
            {
                'M' => SmtpPermissions.Mail,
                'R' => SmtpPermissions.Relay,
                'V' => SmtpPermissions.Vrfy,
                'T' => SmtpPermissions.Etrn,
                'Z' => SmtpPermissions.NoSizeLimit,
                'S' => SmtpPermissions.EaseTls,
                _ => SmtpPermissions.None,
            };
        }
        return p;
    }
}
