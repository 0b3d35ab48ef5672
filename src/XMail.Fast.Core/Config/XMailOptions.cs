using System.Net;

namespace XMail.Fast.Core.Config;

/// <summary>One network service's switches (-Xp port, -XI ip[:port], -X6, -X-, -Xt, -Xl, -XX).</summary>
public sealed class ServiceOptions
{
    public ServiceOptions(int port) => Port = port;

    public bool Enabled { get; set; } = true;
    public int Port { get; set; }
    public List<IPEndPoint> Bind { get; } = new();
    public bool IPv6 { get; set; }
    /// <summary>Session idle timeout in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 900;
    public bool Log { get; set; }
    /// <summary>Maximum concurrent sessions (XMail's "threads").</summary>
    public int MaxSessions { get; set; } = 512;

    /// <summary>The endpoints to listen on: -XI entries (a missing port takes -Xp), else any address of the family.</summary>
    public IEnumerable<IPEndPoint> Endpoints() =>
        Bind.Count > 0
            ? Bind.Select(e => e.Port == 0 ? new IPEndPoint(e.Address, Port) : e)
            : [new IPEndPoint(IPv6 ? IPAddress.IPv6Any : IPAddress.Any, Port)];
}

/// <summary>Every XMail command-line tunable ("COMMAND LINE"), with XMail 1.27's defaults.</summary>
public sealed class XMailOptions
{
    // [XMAIL]
    public string? MailRootPath { get; set; }
    public bool Debug { get; set; }
    public int LogRotateHours { get; set; } = 24;
    public int SplitLevel { get; set; } = MailRoot.DefaultSplitLevel;
    public int ReceiveBufferBytes { get; set; }
    public int SendBufferBytes { get; set; }
    public bool UseMaildir { get; set; } = true;
    public int DnsCacheDirs { get; set; } = 101;
    /// <summary>4 = IPv4 only, 6 = IPv6 only, 5 = IPv4 then IPv6, 7 = IPv6 then IPv4 (-M4/-M6/-M5/-M7).</summary>
    public int IpResolveMode { get; set; } = 4;

    public ServiceOptions Pop3 { get; } = new(110) { TimeoutSeconds = 900, MaxSessions = 1024 };
    public int Pop3BadLoginWaitSeconds { get; set; }
    public bool Pop3HangOnBadLogin { get; set; }
    public ServiceOptions Pop3s { get; } = new(995) { MaxSessions = 1024 };

    /// <summary>
    /// -SX: sessions served at once (more get "421 Server too busy"). 10,000 by default where XMail 1.27 had 1,024
    /// threads: a session here is a few KB, not a thread (10,000 idle sessions measured at ~140 MB RSS).
    /// </summary>
    public ServiceOptions Smtp { get; } = new(25) { TimeoutSeconds = 900, MaxSessions = DefaultSmtpSessions };
    public const int DefaultSmtpSessions = 10_000;
    public int SmtpMaxRecipients { get; set; } = 100;
    public int Pop3AuthExpireSeconds { get; set; } = 900;
    public ServiceOptions Smtps { get; } = new(465) { MaxSessions = DefaultSmtpSessions };

    // [SMAIL]
    public int SmailThreads { get; set; } = 16;
    public int SmailRetryTimeoutSeconds { get; set; } = 480;
    public int SmailRetryIncrRatio { get; set; } = 16;
    public int SmailMaxRetries { get; set; } = 32;
    public bool SmailLog { get; set; }
    public int FilterTimeoutSeconds { get; set; } = 90;
    public bool FilterLog { get; set; }

    // [PSYNC]
    public bool PsyncEnabled { get; set; } = true;
    public int PsyncIntervalSeconds { get; set; } = 120;
    public int PsyncThreads { get; set; } = 8;
    public int PsyncTimeoutSeconds { get; set; } = 120;
    public bool PsyncLog { get; set; }

    public ServiceOptions Finger { get; } = new(79) { TimeoutSeconds = 60 };
    public ServiceOptions Ctrl { get; } = new(6017) { TimeoutSeconds = 600, MaxSessions = 64 };
    public ServiceOptions Ctrls { get; } = new(6018) { TimeoutSeconds = 600, MaxSessions = 64 };

    /// <summary>Optional loopback HTTP listener for /metrics (Prometheus) and /health; off by default (XMAIL_METRICS=ip:port).</summary>
    public IPEndPoint? MetricsEndpoint { get; set; }

    // [LMAIL]
    public int LmailThreads { get; set; } = 1;
    public int LmailSleepSeconds { get; set; } = 2;
    public bool LmailLog { get; set; }
}
