using System.Text;
using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tests.TabIndex;

using XMail.Fast.Core.Tab.Index;

/// <summary>
/// Index lookups must answer exactly what a linear scan of the TAB file answers (first record in file order,
/// case-insensitive keys, exact before wildcard), whatever the file looks like.
/// </summary>
public class IndexedLookupTests
{
    private static readonly string[] Domains = ["example.com", "Example.COM", "xmailserver.test", "dom\u00e9.org", "DOM\u00c9.ORG", "a.b"];
    private static readonly string[] Names = ["root", "Root", "postmaster", "john.doe", "J\u00f6rg", "j\u00d6RG", "x", "user1", "USER1", "a-b_c"];

    /// <summary>Random mailusers.tab text with duplicates, case variants, CRLF, comments, blank, malformed and short lines.</summary>
    private static string RandomUsersTab(Random rnd, int lines)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            string eol = rnd.Next(3) == 0 ? "\r\n" : "\n";
            string d = Pick(rnd, Domains), n = Pick(rnd, Names) + (rnd.Next(3) == 0 ? rnd.Next(50).ToString() : "");
            switch (rnd.Next(12))
            {
                case 0: sb.Append("# comment \"").Append(d).Append(eol); break;
                case 1: sb.Append(eol); break;
                case 2: sb.Append('"').Append(d).Append("\"\t\"").Append(n).Append(rnd.Next(2) == 0 ? "\t\"x" : "").Append(eol); break; // quote tail / unterminated quote
                case 3: sb.Append('"').Append(d).Append("\"\t\"").Append(n).Append('"').Append(eol); break; // too few fields
                case 4: sb.Append('"').Append(d).Append("\"\t\"").Append(n).Append("\"\t\"pw\"\tzz\t\"dir\"\t\"U\"").Append(eol); break; // bad id
                case 5: sb.Append("  \t\"").Append(d).Append("\"\t\"").Append(n).Append("\"\t\"pw\"\t").Append(i + 1).Append("\t\"").Append(n).Append("\"\t\"M\"").Append(eol); break;
                default:
                    sb.Append('"').Append(d).Append("\"\t\"").Append(n).Append("\"\t\"").Append("pw").Append(i).Append("\"\t").Append(i + 1)
                      .Append("\t\"").Append(n).Append("\"\t\"").Append(rnd.Next(2) == 0 ? 'U' : 'u').Append('"').Append(eol);
                    break;
            }
        }
        if (rnd.Next(2) == 0 && sb.Length > 0 && sb[^1] == '\n') sb.Length--; // no final newline
        return sb.ToString();
    }

    private static string Pick(Random rnd, string[] a) => a[rnd.Next(a.Length)];

    private static List<string[]> ReferenceRecords(string text, int minFields, Func<string[], bool>? valid = null) =>
        TabFile.Parse(text, "ref").Where(l => l.Fields is { } f && f.Length >= minFields && (valid is null || valid(f))).Select(l => l.Fields!).ToList();

    private static bool Eq(string a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<(string D, string N)> Queries(Random rnd, List<string[]> records)
    {
        foreach (var r in records.Take(200)) yield return (r[0], r[1]);
        foreach (var r in records.Take(100)) yield return (r[0].ToUpperInvariant(), r[1].ToLowerInvariant());
        for (int i = 0; i < 200; i++) yield return (Pick(rnd, Domains), Pick(rnd, Names) + rnd.Next(60));
        yield return ("", "");
        yield return ("example.com", "");
        yield return ("nosuch.domain", "root");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void Users_match_a_linear_scan_of_random_tables(int seed, bool onDisk)
    {
        using var root = new TempRoot();
        var rnd = new Random(seed);
        var text = RandomUsersTab(rnd, 400 + seed * 100);
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, text, TabFile.Bytes);
        var reference = ReferenceRecords(text, 6, f => int.TryParse(f[3], out int id) && id > 0 && f[5].Length == 1);

        var table = onDisk ? UserTable.Load(path, new TabIndexFolder(root.IndexDir)) : UserTable.Load(path, (Microsoft.Extensions.Logging.ILogger?)null);

        foreach (var (d, n) in Queries(rnd, reference))
        {
            var expected = reference.FirstOrDefault(f => Eq(f[0], d) && Eq(f[1], n));
            var actual = table.Find(d, n);
            if (expected is null) Assert.Null(actual);
            else
            {
                Assert.NotNull(actual);
                Assert.Equal((expected[0], expected[1], expected[2], int.Parse(expected[3]), expected[4], char.ToUpperInvariant(expected[5][0])),
                             (actual.Domain, actual.Name, actual.EncodedPassword, actual.Id, actual.Dir, actual.Type));
            }
        }
        Assert.Equal(reference.Select(f => (f[0], f[1], f[2])), table.Users.Select(u => (u.Domain, u.Name, u.EncodedPassword)));
        Assert.Equal(reference.Count == 0 ? 0 : reference.Max(f => int.Parse(f[3])), table.MaxId);
        if (onDisk) Assert.True(File.Exists(Path.Combine(root.IndexDir, "mailusers.hidx")));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Aliases_exact_first_then_wildcards_in_file_order(int seed)
    {
        using var root = new TempRoot();
        var rnd = new Random(seed);
        string[] domains = ["example.com", "EXAMPLE.com", "*.example.com", "*", "ex?mple.com", "other.org"];
        string[] aliases = ["info", "INFO", "sales", "*", "s*", "?nfo", "postmaster", "x"];
        var sb = new StringBuilder("# aliases\n");
        for (int i = 0; i < 300; i++)
        {
            string eol = rnd.Next(4) == 0 ? "\r\n" : "\n";
            if (rnd.Next(15) == 0) { sb.Append(rnd.Next(2) == 0 ? "\"broken\t\"x\"\t\"y" : "\"example.com\"\t\"info").Append(eol); continue; }
            sb.Append('"').Append(Pick(rnd, domains)).Append("\"\t\"").Append(Pick(rnd, aliases)).Append(rnd.Next(4) == 0 ? rnd.Next(9).ToString() : "")
              .Append("\"\t\"acct").Append(i).Append('"').Append(eol);
        }
        var text = sb.ToString();
        var path = root.File("aliases.tab");
        File.WriteAllText(path, text, TabFile.Bytes);
        var reference = ReferenceRecords(text, 3);
        var table = AliasTable.Load(path, new TabIndexFolder(root.IndexDir));

        string[] qd = ["example.com", "Example.Com", "a.example.com", "other.org", "exbmple.com", "none.net"];
        string[] qn = ["info", "Info", "sales", "s1", "znfo", "postmaster", "x3", "nobody"];
        foreach (var d in qd)
        foreach (var n in qn)
        {
            bool IsWild(string[] f) => Wildcard.HasWildcards(f[0]) || Wildcard.HasWildcards(f[1]);
            var expected = reference.FirstOrDefault(f => !IsWild(f) && Eq(f[0], d) && Eq(f[1], n))
                           ?? reference.FirstOrDefault(f => IsWild(f) && Wildcard.IsMatch(f[0], d) && Wildcard.IsMatch(f[1], n));
            Assert.Equal(expected?[2], table.Find(d, n)?.Account);
        }
        foreach (var f in reference)
            Assert.Equal(reference.First(r => Eq(r[0], f[0]) && Eq(r[1], f[1]))[2], table.FindExact(f[0].ToUpperInvariant(), f[1])?.Account);
        Assert.Equal(reference.Select(f => f[2]), table.All.Select(a => a.Account));
    }

    [Fact]
    public void Alias_domains_domains_and_ext_aliases_resolve_like_a_scan()
    {
        using var root = new TempRoot();
        var folder = new TabIndexFolder(root.IndexDir);
        File.WriteAllText(root.File("aliasdomain.tab"), "\"alias.net\"\t\"real.com\"\r\n\"*.wild.net\"\t\"w1.com\"\n\"ALIAS.net\"\t\"dup.com\"\n\"a?.net\"\t\"w2.com\"\n# c\n\"short\"\n", TabFile.Bytes);
        var ad = AliasDomainTable.Load(root.File("aliasdomain.tab"), folder);
        Assert.Equal("real.com", ad.Resolve("Alias.NET"));
        Assert.Equal("w1.com", ad.Resolve("x.wild.net"));
        Assert.Equal("w2.com", ad.Resolve("ab.net"));
        Assert.Null(ad.Resolve("wild.net"));
        Assert.Equal(["alias.net", "*.wild.net", "ALIAS.net", "a?.net"], ad.All.Select(r => r.AliasDomain));

        File.WriteAllText(root.File("domains.tab"), "\"example.com\"\n\"XMailServer.Test\"\r\n\"\"\n# x\n", TabFile.Bytes);
        var dom = DomainSet.Load(root.File("domains.tab"), folder);
        Assert.True(dom.Contains("EXAMPLE.com"));
        Assert.True(dom.Contains("xmailserver.test"));
        Assert.False(dom.Contains("example.co"));
        Assert.True(dom.Contains(""));
        Assert.Equal(["example.com", "XMailServer.Test", ""], dom.Ordered);

        File.WriteAllText(root.File("extaliases.tab"), "\"ext.org\"\t\"Bob\"\t\"example.com\"\t\"bob\"\n\"ext.org\"\t\"bob\"\t\"example.com\"\t\"second\"\n", TabFile.Bytes);
        var ext = ExtAliasTable.Load(root.File("extaliases.tab"), folder);
        Assert.Equal("bob", ext.Find("EXT.org", "BOB")?.LocalName);
        Assert.Null(ext.Find("ext.org", "bo"));
    }

    [Fact]
    public void Missing_and_empty_tables_have_no_records()
    {
        using var root = new TempRoot();
        var folder = new TabIndexFolder(root.IndexDir);
        var missing = UserTable.Load(root.File("nope.tab"), folder);
        Assert.Null(missing.Find("a", "b"));
        Assert.Empty(missing.Users);
        Assert.Equal(0, missing.MaxId);
        File.WriteAllBytes(root.File("domains.tab"), []);
        Assert.False(DomainSet.Load(root.File("domains.tab"), folder).Contains("x"));
    }

    [Fact]
    public void Malformed_lines_are_reported_with_file_and_line_and_skipped()
    {
        using var root = new TempRoot();
        var log = new TestLog();
        var path = root.File("mailusers.tab");
        File.WriteAllText(path, "\"d\"\t\"ok\"\t\"p\"\t1\t\"ok\"\t\"U\"\n\"d\"\t\"broken\n\"d\"\t\"short\"\n\"d\"\t\"badid\"\t\"p\"\tabc\t\"b\"\t\"U\"\n\"d\"\t\"ok2\"\t\"p\"\t2\t\"ok2\"\t\"U\"\n", TabFile.Bytes);
        var users = UserTable.Load(path, new TabIndexFolder(root.IndexDir, log));
        Assert.NotNull(users.Find("d", "ok2"));
        Assert.Null(users.Find("d", "badid"));
        Assert.Equal(2, users.Users.Count);
        Assert.Contains(log.Lines, l => l.Contains(path + ":2:") && l.Contains("malformed"));
        Assert.Contains(log.Lines, l => l.Contains(path + ":3:") && l.Contains("fields"));
        Assert.Contains(log.Lines, l => l.Contains(path + ":4:") && l.Contains("bad user id"));
    }

    [Fact]
    public void Lookups_allocate_nothing_on_a_miss_or_a_repeated_hit()
    {
        using var root = new TempRoot();
        var path = root.File("mailusers.tab");
        File.WriteAllLines(path, Enumerable.Range(1, 1000).Select(i => $"\"example.com\"\t\"user{i}\"\t\"pw\"\t{i}\t\"user{i}\"\t\"U\""));
        var users = UserTable.Load(path, new TabIndexFolder(root.IndexDir));
        var hitKey = "USER500".AsSpan();
        Assert.NotNull(users.Find("example.com", hitKey));
        Assert.Null(users.Find("example.com", "nobody"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        int found = 0;
        for (int i = 0; i < 10_000; i++)
        {
            if (users.Find("example.com", "nobody") is not null) found++;
            if (users.Find("Example.com", hitKey) is not null) found++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, found);
        Assert.Equal(0, allocated);
    }
}
