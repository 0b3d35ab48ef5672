using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Connections;
using XMail.Fast.Core.Config;
using XMail.Fast.Protocols.Ctrl;
using XMail.Fast.Protocols.Finger;
using XMail.Fast.Protocols.Pop3;
using XMail.Fast.Protocols.Smtp;
using XMail.Fast.Delivery.Lmail;
using XMail.Fast.Delivery.Remote;
using XMail.Fast.Delivery.Smail;

namespace XMail.Fast.Server;

/// <summary>
/// The one place that says which protocol handler serves which listener and which background services run.
/// Each protocol adds its lines here.
/// </summary>
internal static class ServiceRegistry
{
    public static IEnumerable<(string Service, ServiceOptions Options, bool ImplicitTls, Action<ListenOptions> Register)> Listeners(XMailOptions o)
    {
        yield return ("SMTP", o.Smtp, false, lo => lo.UseConnectionHandler<SmtpConnectionHandler>());
        yield return ("SMTPS", o.Smtps, true, lo => lo.UseConnectionHandler<SmtpConnectionHandler>());
        yield return ("POP3", o.Pop3, false, lo => lo.UseConnectionHandler<Pop3ConnectionHandler>());
        yield return ("POP3S", o.Pop3s, true, lo => lo.UseConnectionHandler<Pop3ConnectionHandler>());
        yield return ("FINGER", o.Finger, false, lo => lo.UseConnectionHandler<FingerConnectionHandler>());
        yield return ("CTRL", o.Ctrl, false, lo => lo.UseConnectionHandler<CtrlConnectionHandler>());
        yield return ("CTRLS", o.Ctrls, true, lo => lo.UseConnectionHandler<CtrlConnectionHandler>());
    }

    public static void AddServices(IServiceCollection services, XMailOptions o)
    {
        services.AddHostedService<ShutdownFileWatcher>();
        services.AddHostedService<IdleMemoryTrimmer>();
        // PSYNC also runs with -Yi 0 so that MailRoot/.psync-trigger still starts a sync.
        if (o.PsyncEnabled) services.AddHostedService<XMail.Fast.Delivery.Psync.PsyncService>();
        // Remote delivery: DNS (also used by SMTP for RDNS/DNSBL/CheckMailerDomain through Core's IDnsResolver).
        services.AddSingleton(sp => new XMail.Fast.Delivery.Dns.DnsResolver(sp.GetRequiredService<MailServerContext>()));
        services.AddSingleton<XMail.Fast.Core.Dns.IDnsResolver>(sp => sp.GetRequiredService<XMail.Fast.Delivery.Dns.DnsResolver>());
        // Sender authentication (SPF, DKIM, DMARC, ARC) for the SMTP session; DKIM keys for signing and CTRL.
        services.AddSingleton<XMail.Fast.Core.MailAuth.IMailAuthenticator>(sp => new XMail.Fast.Delivery.MailAuth.MailAuthenticator(
            sp.GetRequiredService<MailServerContext>(), sp.GetRequiredService<XMail.Fast.Core.Dns.IDnsResolver>()));
        services.AddSingleton(sp => new XMail.Fast.Delivery.MailAuth.Dkim.DkimKeyStore(sp.GetRequiredService<MailServerContext>()));
        services.AddSingleton<XMail.Fast.Core.MailAuth.IDkimKeyAdmin>(sp => new XMail.Fast.Delivery.MailAuth.Dkim.DkimKeyAdmin(
            sp.GetRequiredService<XMail.Fast.Delivery.MailAuth.Dkim.DkimKeyStore>(), sp.GetRequiredService<MailServerContext>().Loggers.CreateLogger("XMail.DKIM")));
        services.AddSingleton<SmtpConnectionHandler>();
        // Delivery: SMAIL workers + retries (spool recovery at start) with the remote SMTP client (DKIM-signing), LMAIL.
        services.AddSingleton(sp => new RemoteMailer(sp.GetRequiredService<MailServerContext>(), sp.GetRequiredService<XMail.Fast.Core.Dns.IDnsResolver>(),
            new XMail.Fast.Delivery.MailAuth.Dkim.DkimOutboundSigner(sp.GetRequiredService<MailServerContext>(), sp.GetRequiredService<XMail.Fast.Delivery.MailAuth.Dkim.DkimKeyStore>())));
        services.AddSingleton(sp => new SmailService(sp.GetRequiredService<MailServerContext>(), sp.GetRequiredService<RemoteMailer>()));
        services.AddHostedService(sp => sp.GetRequiredService<SmailService>());
        services.AddHostedService<LmailService>();
        // One handler instance per protocol, whatever the number of endpoints (-XI), so each service's session gate
        // counts all of its connections: CTRL and CTRLS share -CX; SMTP/SMTPS and POP3/POP3S have a gate each.
        services.AddSingleton<Pop3ConnectionHandler>();
        services.AddSingleton<FingerConnectionHandler>();
        services.AddSingleton<CtrlConnectionHandler>();
    }
}
