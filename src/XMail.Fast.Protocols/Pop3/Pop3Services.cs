using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>What every POP3 session of a listener shares: domain resolution, external auth, the POP3 log file.</summary>
internal sealed class Pop3Services
{
    public Pop3Services(MailServerContext context)
    {
        Domains = new Pop3DomainResolver(context);
        ExternalAuth = new ExternalUserAuth(context.Root, context.Loggers.CreateLogger("XMail.Pop3"));
        LogFile = new Pop3LogFile(context);
    }

    public Pop3DomainResolver Domains { get; }
    public ExternalUserAuth ExternalAuth { get; }
    public Pop3LogFile LogFile { get; }
}
