using XMail.Fast.Core.Config;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Delivery.Remote;

/// <summary>One userauth/smtp line: the mechanism (PLAIN, LOGIN, CRAM-MD5) and the credentials.</summary>
public sealed record ClientAuth(string Mechanism, string User, string Password);

/// <summary>
/// "SMTP CLIENT AUTHENTICATION": for server mail.foo.net the credentials come from userauth/smtp/mail.foo.net.tab,
/// then foo.net.tab, then net.tab; the first record of the first file found is used.
/// </summary>
public sealed class ClientAuthTable
{
    private readonly string _dir;

    public ClientAuthTable(MailRoot root) => _dir = Path.Combine(root.UserAuthDir, "smtp");

    public ClientAuth? Find(string host)
    {
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0 || !MailRoot.IsSafeName(host)) return null;
        bool ipLiteral = System.Net.IPAddress.TryParse(host, out _);
        for (var name = host; name.Length > 0;)
        {
            var path = Path.Combine(_dir, name + ".tab");
            if (File.Exists(path))
            {
                foreach (var line in TabFile.Records(path, 3))
                    return new ClientAuth(line.Fields![0].Trim().ToUpperInvariant(), line.Fields[1], line.Fields[2]);
                return null;
            }
            if (ipLiteral) break; // "10.0.0.1" has no parent domains
            int dot = name.IndexOf('.');
            name = dot < 0 ? "" : name[(dot + 1)..];
        }
        return null;
    }
}
