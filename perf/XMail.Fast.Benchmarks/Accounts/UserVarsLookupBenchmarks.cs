using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Benchmarks.Accounts;

/// <summary>
/// An account's user.tab variables as the mail paths ask for them: at every RCPT and again at delivery. Baseline is
/// the lookup it replaced (build the path, stat the file, compare its stamp); target: no system call and nothing
/// allocated between two looks at the file.
/// </summary>
[MemoryDiagnoser]
public class UserVarsLookupBenchmarks
{
    private string _dir = "";
    private AccountStore _accounts = null!;
    private UserRecord _user = null!;
    private readonly ConcurrentDictionary<string, ((long, long) Stamp, UserVars Vars)> _byPath = new(StringComparer.Ordinal);

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("xmf-bench-uservars").FullName;
        var root = new MailRoot(_dir);
        _user = new UserRecord("example.com", "bob", "0c1b0a", 1, "bob", 'U');
        _accounts = new AccountStore(root);
        var userDir = _accounts.UserDirectory(_user);
        Directory.CreateDirectory(userDir);
        File.WriteAllText(Path.Combine(userDir, "user.tab"), "\"RealName\"\t\"Bob\"\n\"ReceiveEnable\"\t\"1\"\n\"MaxMBSize\"\t\"10000\"\n");
        if (_accounts.CachedUserVars(_user).MaxMessageSizeKb is not null || !_accounts.CachedUserVars(_user).ReceiveEnable)
            throw new InvalidOperationException("user.tab read wrongly");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    [Benchmark(Baseline = true)]
    public UserVars StatPerLookup()
    {
        var path = _accounts.UserTabPath(_user);
        var fi = new FileInfo(path);
        var stamp = fi.Exists ? (fi.LastWriteTimeUtc.Ticks, fi.Length) : (0L, -1L);
        if (_byPath.TryGetValue(path, out var e) && e.Stamp == stamp) return e.Vars;
        var vars = _accounts.GetUserVars(_user);
        _byPath[path] = (stamp, vars);
        return vars;
    }

    [Benchmark]
    public UserVars Cached() => _accounts.CachedUserVars(_user);
}
