using System.Text;
using XMail.Fast.Core.Tab;
using XMail.Fast.Core.Tab.Index;

namespace XMail.Fast.Tests.TabIndex;

/// <summary>The byte-level line parser and key hash agree with the string-level TabParser and OrdinalIgnoreCase.</summary>
public class KeyParsingAndHashingTests
{
    [Fact]
    public void Byte_parser_agrees_with_TabParser_on_random_lines()
    {
        var rnd = new Random(7);
        const string alphabet = "ab\"\t #\r xé\u00ff1";
        for (int n = 0; n < 20_000; n++)
        {
            var sb = new StringBuilder();
            int len = rnd.Next(0, 24);
            for (int i = 0; i < len; i++) sb.Append(alphabet[rnd.Next(alphabet.Length)]);
            var line = sb.ToString();
            var kind = TabParser.Parse(line, out var expected, out _);
            var actualKind = TabFields.Parse(TabFile.Bytes.GetBytes(line), out var f, out _);
            Assert.Equal(kind, actualKind);
            if (kind != TabParser.LineKind.Record) continue;
            Assert.Equal(expected!.Length, f.Count);
            for (int i = 0; i < Math.Min(f.Count, TabFields.MaxFields); i++) Assert.Equal(expected[i], f.GetString(i));
        }
    }

    [Fact]
    public void Hash_of_chars_and_of_latin1_bytes_agree_and_ignore_case()
    {
        string[] keys = ["", "a", "Root", "john.doe@x", "J\u00f6rg", "DOM\u00c9.ORG", "abcdefghijklmnopq", "\u00ff\u00b5"];
        foreach (var k in keys)
        {
            ulong fromChars = TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Start(99), k.ToUpperInvariant()));
            ulong fromBytes = TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Start(99), TabFile.Bytes.GetBytes(k.ToLowerInvariant()).AsSpan()));
            Assert.Equal(fromChars, fromBytes);
            Assert.True(TabKeyHash.Equal(TabFile.Bytes.GetBytes(k), k.ToUpperInvariant()) == k.Equals(k.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase));
        }
        ulong H(string a, string b) => TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Add(TabKeyHash.Start(1), a), b));
        Assert.NotEqual(H("ab", "c"), H("a", "bc"));
        Assert.NotEqual(H("abcd", ""), H("abc", "d"));
        Assert.NotEqual(TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Start(1), "x")), TabKeyHash.Finish(TabKeyHash.Add(TabKeyHash.Start(2), "x")));
    }
}
