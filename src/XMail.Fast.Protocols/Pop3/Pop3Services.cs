using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// What every POP3 session of the server shares: the certificate, domain resolution, external auth, the accounts'
/// pop3.ipmap.tab snapshots, the POP3 log file.
/// </summary>
internal sealed class Pop3Services
{
    public Pop3Services(MailServerContext context, ServerCertificate certificate, ILogger log)
    {
        Context = context;
        Certificate = certificate;
        Log = log;
        Domains = new Pop3DomainResolver(context);
        ExternalAuth = new ExternalUserAuth(context.Root, log);
        UserIpMaps = new Pop3UserIpMaps(context.Time, log);
        LogFile = new Pop3LogFile(context);
    }

    public MailServerContext Context { get; }
    public ServerCertificate Certificate { get; }
    public ILogger Log { get; }
    public Pop3DomainResolver Domains { get; }
    public ExternalUserAuth ExternalAuth { get; }
    public Pop3UserIpMaps UserIpMaps { get; }
    public Pop3LogFile LogFile { get; }
}
