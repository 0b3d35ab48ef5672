using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Logging;
using XMail.Fast.Core.Routing;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Core.Config;

/// <summary>
/// What every service of one running server shares: the MailRoot, the command-line options, live server.tab,
/// the account store, the clock and the loggers. Services receive it through DI.
/// </summary>
public sealed class MailServerContext
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _tables = new(StringComparer.Ordinal);

    public MailServerContext(MailRoot root, XMailOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        Root = root;
        Options = options;
        Loggers = loggers ?? NullLoggerFactory.Instance;
        Time = time ?? TimeProvider.System;
        var log = Loggers.CreateLogger("XMail.Tables");
        ServerTab = new TabSource<ServerConfig>(root.ServerTab, p => ServerConfig.Load(p, log), Time, log);
        Accounts = new AccountStore(root, options.UseMaildir, Time, log);
        Accounts.CompleteLastUserAdd();
        Resolver = new LocalResolver(Accounts);
        Spool = new SpoolLayout(root.SpoolDir, options.SplitLevel);
        MessageIds = new MessageIdCounter(root.MessageIdFile);
        _spoolWriter = new Lazy<SpoolWriter>(() => new SpoolWriter(Spool, Time, Loggers.CreateLogger("XMail.Spool")));
    }

    private readonly Lazy<SpoolWriter> _spoolWriter;

    public MailRoot Root { get; }
    public XMailOptions Options { get; }
    public ILoggerFactory Loggers { get; }
    public TimeProvider Time { get; }
    public AccountStore Accounts { get; }
    public TabSource<ServerConfig> ServerTab { get; }
    public LocalResolver Resolver { get; }
    public SpoolLayout Spool { get; }
    public MessageIdCounter MessageIds { get; }

    /// <summary>Client addresses of recent POP3 logins, for SMTP-after-POP3 (EnableAuthSMTP-POP3, -Se).</summary>
    public Pop3BeforeSmtp Pop3BeforeSmtp { get; } = new();

    /// <summary>Writes new spool messages (temp → group-committed fsync → mess/); created on first use.</summary>
    public SpoolWriter SpoolWriter => _spoolWriter.Value;

    /// <summary>Committed spool messages waiting for the SMAIL workers.</summary>
    public SpoolQueue Queue { get; } = new();

    /// <summary>The current server.tab snapshot (re-read when the file changes).</summary>
    public ServerConfig Config => ServerTab.Current;

    /// <summary>
    /// A live snapshot of any other MailRoot file (smtprelay.tab, spammers.tab, *.ipmap.tab ...), built by
    /// <paramref name="build"/> and re-built when the file changes. One source per file name.
    /// </summary>
    public T Table<T>(string fileName, Func<string, ILogger, T> build) where T : class
    {
        var source = (TabSource<T>)_tables.GetOrAdd(fileName, name =>
        {
            var log = Loggers.CreateLogger("XMail.Tables");
            return new TabSource<T>(Root.File(name), p => build(p, log), Time, log);
        });
        return source.Current;
    }

    private readonly Dictionary<string, ServiceLog> _logs = new(StringComparer.Ordinal);

    /// <summary>
    /// The XMail-format log of a service ("smtp", "pop3", "ctrl", "smail", "lmail", "psync", "finger", "filters"),
    /// rotated every -Mr hours. Callers check the service's -Xl switch before writing.
    /// </summary>
    public ServiceLog ServiceLog(string service)
    {
        lock (_logs)
        {
            if (!_logs.TryGetValue(service, out var log))
                _logs[service] = log = new ServiceLog(Root.LogsDir, service, Options.LogRotateHours, Time);
            return log;
        }
    }

    /// <summary>Server identity used in banners and Received: lines ("XMail.Fast 1.0.0").</summary>
    public static string ProductName { get; } =
        "XMail.Fast " + (typeof(MailServerContext).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");
}
