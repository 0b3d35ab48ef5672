using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Benchmarks.TabIndexes;

/// <summary>
/// mailusers.tab lookups through the memory-mapped index: a lookup in a 1,000,000-user table should cost
/// about what it costs in a 10-user one, and allocate nothing on a miss or a repeated hit.
/// <c>HitCold</c> walks many distinct users so most hits miss the record cache and build a record.
/// </summary>
[MemoryDiagnoser]
public class TabIndexLookupBenchmarks
{
    private string _dir = "";
    private UserTable _users = null!;
    private (string Domain, string Name)[] _cold = [];
    private int _next;

    [Params(10, 1_000_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("xmf-bench-tabindex").FullName;
        var path = Path.Combine(_dir, "mailusers.tab");
        using (var w = new StreamWriter(path, false, TabFile.Bytes, 1 << 20))
            for (int i = 1; i <= Users; i++)
                w.Write($"\"dom{i % 100}.example.com\"\t\"user{i}\"\t\"0c1b0a\"\t{i}\t\"user{i}\"\t\"U\"\n");
        var sw = Stopwatch.StartNew();
        _users = UserTable.Load(path, new TabIndexFolder(Path.Combine(_dir, "tabindex")));
        Console.WriteLine($"// index build for {Users} users: {sw.ElapsedMilliseconds} ms, .hidx {new FileInfo(Path.Combine(_dir, "tabindex", "mailusers.hidx")).Length / 1024} KiB");
        var rnd = new Random(42);
        _cold = Enumerable.Range(0, 65536).Select(_ => rnd.Next(1, Users + 1)).Select(i => ($"dom{i % 100}.example.com", "user" + i)).ToArray();
        if (_users.Find("dom7.example.com", "user7") is null || _users.Find("dom7.example.com", "nobody") is not null)
            throw new InvalidOperationException("index answers wrongly");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try { Directory.Delete(_dir, true); } catch { /* mappings of the index may still be open */ }
    }

    [Benchmark]
    public UserRecord? Hit() => _users.Find("dom7.example.com", "USER7");

    [Benchmark]
    public UserRecord? Miss() => _users.Find("dom7.example.com", "nobody7");

    [Benchmark]
    public UserRecord? HitCold()
    {
        var (domain, name) = _cold[_next++ & (_cold.Length - 1)];
        return _users.Find(domain, name);
    }
}
