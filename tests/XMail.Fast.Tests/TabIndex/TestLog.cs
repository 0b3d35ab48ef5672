using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace XMail.Fast.Tests.TabIndex;

/// <summary>Collects formatted log lines so tests can assert what was reported.</summary>
internal sealed class TestLog : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(logLevel + ": " + formatter(state, exception));
}

/// <summary>A throwaway MailRoot-like folder with a tabindex subfolder; deleted on dispose.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = Directory.CreateTempSubdirectory("xmf-tabindex").FullName;
        IndexDir = System.IO.Path.Combine(Path, "tabindex");
        Directory.CreateDirectory(IndexDir);
    }

    public string Path { get; }
    public string IndexDir { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch { /* mappings may still be open; temp dir anyway */ }
    }

    /// <summary>Polls <paramref name="condition"/> until true or the deadline passes (no fixed sleeps).</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Yield();
            Thread.Sleep(10);
        }
        return condition();
    }
}
