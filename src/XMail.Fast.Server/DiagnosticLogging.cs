using Microsoft.Extensions.Logging;
using ZLogger;
using ZLogger.Providers;

namespace XMail.Fast.Server;

/// <summary>
/// The server's own diagnostic log (not the XMail-format service logs): ZLogger to the console and to a
/// rolling file MailRoot/logs/xmail-YYYYMMDD-NNN.log (daily, 10 MB per file). -Md turns on Debug.
/// </summary>
internal static class DiagnosticLogging
{
    public static void Configure(ILoggingBuilder lb, string logsDir)
    {
        lb.ClearProviders();
        lb.AddZLoggerConsole(o => UsePrefix(o));
        lb.AddZLoggerRollingFile(o =>
        {
            o.FilePathSelector = (t, n) => Path.Combine(logsDir, $"xmail-{t.ToLocalTime():yyyyMMdd}-{n:000}.log");
            o.RollingInterval = RollingInterval.Day;
            o.RollingSizeKB = 10 * 1024;
            UsePrefix(o);
        });
    }

    private static void UsePrefix(ZLoggerOptions o) =>
        o.UsePlainTextFormatter(f => f.SetPrefixFormatter($"{0:yyyy-MM-dd HH:mm:ss} {1:short} {2} ",
            (in MessageTemplate t, in LogInfo info) => t.Format(info.Timestamp.Local, info.LogLevel, info.Category)));
}
