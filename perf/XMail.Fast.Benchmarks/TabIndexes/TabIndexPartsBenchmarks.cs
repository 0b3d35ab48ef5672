using BenchmarkDotNet.Attributes;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Benchmarks.TabIndexes;

/// <summary>Where a hit's time goes: hashing, parsing the record line, the raw probe.</summary>
[MemoryDiagnoser]
public class TabIndexPartsBenchmarks
{
    private string _dir = "";
    private XMail.Fast.Core.Tab.Index.TabIndex _index = null!;
    private readonly byte[] _line = TabFile.Bytes.GetBytes("\"dom7.example.com\"\t\"user7\"\t\"0c1b0a\"\t7\t\"user7\"\t\"U\"");

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("xmf-bench-tabparts").FullName;
        var path = Path.Combine(_dir, "mailusers.tab");
        File.WriteAllLines(path, Enumerable.Range(1, 10).Select(i => $"\"dom{i % 100}.example.com\"\t\"user{i}\"\t\"0c1b0a\"\t{i}\t\"user{i}\"\t\"U\""));
        _index = new TabIndexFolder(Path.Combine(_dir, "tabindex")).Open(path, UserTable.Schema);
    }

    [Benchmark]
    public ulong Hash() => TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Add(TabKeyHash.Start(1), "dom7.example.com"), "USER7"));

    [Benchmark]
    public int ParseLine() => TabFields.Parse(_line, out var f, out _) == TabParser.LineKind.Record ? f.Count : -1;

    [Benchmark]
    public long ProbeHit() => _index.Find("dom7.example.com", "USER7", out _);

    [Benchmark]
    public long ProbeMiss() => _index.Find("dom7.example.com", "nobody7", out _);
}
