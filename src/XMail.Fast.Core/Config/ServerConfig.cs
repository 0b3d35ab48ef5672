using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Config;

/// <summary>
/// One snapshot of server.tab ("SERVER.TAB VARIABLES"). Unknown variables are kept and readable by name;
/// the ones XMail defines have typed accessors with XMail 1.27's defaults.
/// </summary>
public sealed class ServerConfig
{
    private readonly Dictionary<string, string> _vars;

    public ServerConfig(Dictionary<string, string> vars) => _vars = vars;

    public static readonly ServerConfig Empty = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    public static ServerConfig Load(string path, ILogger? log = null)
    {
        var vars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in TabFile.Records(path, 2, log)) vars[line.Fields![0]] = line.Fields[1];
        return new ServerConfig(vars);
    }

    public IReadOnlyDictionary<string, string> Variables => _vars;

    public string? Get(string name) => _vars.TryGetValue(name, out var v) ? v : null;

    public string Get(string name, string fallback) => _vars.TryGetValue(name, out var v) ? v : fallback;

    public int GetInt(string name, int fallback) =>
        _vars.TryGetValue(name, out var v) && int.TryParse(v.Trim(), out int n) ? n : fallback;

    public long GetLong(string name, long fallback) =>
        _vars.TryGetValue(name, out var v) && long.TryParse(v.Trim(), out long n) ? n : fallback;

    public bool GetBool(string name, bool fallback) =>
        _vars.TryGetValue(name, out var v) && int.TryParse(v.Trim(), out int n) ? n != 0 : fallback;

    public string RootDomain => Get("RootDomain") ?? Environment.MachineName.ToLowerInvariant();
    public string SmtpServerDomain => Get("SmtpServerDomain") is { Length: > 0 } d ? d : RootDomain;
    public string? POP3Domain => Get("POP3Domain");
    public string PostMaster => Get("PostMaster") ?? "postmaster@" + RootDomain;
    public string? ErrorsAdmin => NonEmpty("ErrorsAdmin");
    public string? TempErrorsAdmin => NonEmpty("TempErrorsAdmin");
    public string? DefaultSMTPGateways => NonEmpty("DefaultSMTPGateways");
    public string? HeloDomain => NonEmpty("HeloDomain");
    public bool CheckMailerDomain => GetBool("CheckMailerDomain", false);
    public bool RemoveSpoolErrors => GetBool("RemoveSpoolErrors", false);
    public int NotifyMsgLinesExtra => GetInt("NotifyMsgLinesExtra", 0);
    public bool NotifySendLogToSender => GetBool("NotifySendLogToSender", false);
    public string NotifyTryPattern => Get("NotifyTryPattern", "");
    public bool AllowNullSender => GetBool("AllowNullSender", true);
    public bool NoSenderBounce => GetBool("NoSenderBounce", false);
    public int MaxMTAOps => GetInt("MaxMTAOps", 16);
    public int ReceivedHdrType => GetInt("ReceivedHdrType", 0);
    public string FetchHdrTags => Get("FetchHdrTags") is { Length: > 0 } t ? t : "+X-Deliver-To,To,Cc";
    public int SmtpMaxErrors => GetInt("SMTP-MaxErrors", 0);
    public string? SmtpMsgIPBanSpammers => NonEmpty("SmtpMsgIPBanSpammers");
    public string? SmtpMsgIPBanSpamAddress => NonEmpty("SmtpMsgIPBanSpamAddress");
    public string? SmtpMsgIPBanMaps => NonEmpty("SmtpMsgIPBanMaps");
    public string? SmtpMsgIPBan => NonEmpty("SmtpMsgIPBan");
    public string? CustomSMTPMessage => NonEmpty("CustomSMTPMessage");
    public int SmtpIpMapDropCode => GetInt("SMTP-IpMapDropCode", 1);
    public bool AllowSmtpVRFY => GetBool("AllowSmtpVRFY", false);
    public bool AllowSmtpETRN => GetBool("AllowSmtpETRN", false);
    public long SmtpMinDiskSpaceKb => GetLong("SmtpMinDiskSpace", 0);
    public long SmtpMinVirtMemSpaceKb => GetLong("SmtpMinVirtMemSpace", 0);
    public long Pop3MinVirtMemSpaceKb => GetLong("Pop3MinVirtMemSpace", 0);
    public string? Pop3SyncErrorAccount => NonEmpty("Pop3SyncErrorAccount");
    public bool EnableAuthSmtpPop3 => GetBool("EnableAuthSMTP-POP3", true);
    /// <summary>MaxMessageSize in KB; 0 means unlimited.</summary>
    public long MaxMessageSizeKb => GetLong("MaxMessageSize", 0);
    public string DefaultSmtpPerms => Get("DefaultSmtpPerms", "MR");
    public string? CustMapsList => NonEmpty("CustMapsList");
    public int SmtpRdnsCheck => GetInt("SMTP-RDNSCheck", 0);
    public string? SmartDNSHost => NonEmpty("SmartDNSHost");
    public bool DisableEmitAuthUser => GetBool("DisableEmitAuthUser", false);
    public string? SmtpGwConfig => NonEmpty("SmtpGwConfig");
    public int Pop3LogPasswd => GetInt("Pop3LogPasswd", 0);
    /// <summary>Null when unset (no restriction); empty when set to "" (no clear-text auth at all).</summary>
    public string? SmtpNoTLSAuths => Get("SmtpNoTLSAuths");
    public bool EnableCtrlTls => GetBool("EnableCTRL-TLS", true);
    public bool EnablePop3Tls => GetBool("EnablePOP3-TLS", true);
    public bool EnableSmtpTls => GetBool("EnableSMTP-TLS", true);
    public bool SSLWantVerify => GetBool("SSLWantVerify", false);
    public bool SSLWantCert => GetBool("SSLWantCert", false);
    public bool SSLAllowSelfSigned => GetBool("SSLAllowSelfSigned", false);
    public int SSLMaxCertsDepth => GetInt("SSLMaxCertsDepth", 0);
    public bool SSLUseCertsFile => GetBool("SSLUseCertsFile", false);
    public bool SSLUseCertsDir => GetBool("SSLUseCertsDir", false);
    /// <summary>XMail.Fast: CTRL cfgfileget/cfgfileset may read and replace private keys (server.key ...); off by default.</summary>
    public bool CtrlAllowKeyFiles => GetBool("CtrlAllowKeyFiles", false);

    /// <summary>SmtpConfig-IP,PORT, then SmtpConfig-IP, then SmtpConfig (tokens such as MailAuth, WantTLS).</summary>
    public string SmtpConfigFor(string localIp, int localPort) =>
        Get($"SmtpConfig-{localIp},{localPort}") ?? Get($"SmtpConfig-{localIp}") ?? Get("SmtpConfig") ?? "";

    private string? NonEmpty(string name) => _vars.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}
