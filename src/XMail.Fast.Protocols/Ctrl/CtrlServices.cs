using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Spool;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>What every CTRL session of one server shares: the Core stores the commands work on, the tables, the log.</summary>
internal sealed class CtrlServices
{
    public CtrlServices(MailServerContext context, ServerCertificate certificate, ILogger log, Core.MailAuth.IDkimKeyAdmin? dkimKeys = null)
    {
        DkimKeys = dkimKeys;
        Context = context;
        Certificate = certificate;
        Log = log;
        Mailproc = new MailprocFiles(context.Accounts);
        CustomDomains = new CustomDomainFiles(context.Accounts);
        Pop3Links = new Pop3LinkStore(context.Accounts, log);
        Frozen = new FrozenQueue(context.Spool);
        FileLog = new CtrlLog(context.ServiceLog("ctrl"), context.Time);
    }

    public MailServerContext Context { get; }
    public ServerCertificate Certificate { get; }
    public ILogger Log { get; }
    public MailprocFiles Mailproc { get; }
    public CustomDomainFiles CustomDomains { get; }
    public Pop3LinkStore Pop3Links { get; }
    public FrozenQueue Frozen { get; }
    public CtrlLog FileLog { get; }
    /// <summary>DKIM signing keys (dkimkey* commands); null when the server runs without them.</summary>
    public Core.MailAuth.IDkimKeyAdmin? DkimKeys { get; }

    /// <summary>-Cl: CTRL logging enabled.</summary>
    public bool LogEnabled => Context.Options.Ctrl.Log;

    public AccountStore Accounts => Context.Accounts;

    public IpMap IpMap => Context.Table("ctrl.ipmap.tab", (p, log) => IpMap.Load(p, log));

    public CtrlAccounts CtrlAccounts => Context.Table("ctrlaccounts.tab", (p, log) => CtrlAccounts.Load(p, log));
}
