using XMail.Fast.Core.Tab;

namespace XMail.Fast.Tests.Core;

public class TabFileTests
{
    [Fact]
    public void Parses_quoted_bare_comment_blank_and_crlf_lines()
    {
        var lines = TabFile.Parse("# c\r\n\"a\"\t\"b c\"\t1\r\n\n\"x\"\t\"y\"\n", "t.tab");
        Assert.Equal(4, lines.Count);
        Assert.Null(lines[0].Fields);
        Assert.Equal(["a", "b c", "1"], lines[1].Fields!);
        Assert.Null(lines[2].Fields);
        Assert.Equal(["x", "y"], lines[3].Fields!);
        Assert.Equal(4, lines[3].LineNumber);
    }

    [Fact]
    public void Malformed_line_is_skipped_not_fatal()
    {
        var lines = TabFile.Parse("\"ok\"\n\"broken\t\"x\n\"ok2\"\n", "t.tab");
        Assert.Equal(["ok"], lines[0].Fields!);
        Assert.Equal(["ok2"], lines[2].Fields!);
    }

    [Fact]
    public void Quote_inside_value_ends_the_field_as_in_XMail()
    {
        Assert.Equal(TabParser.LineKind.Record, TabParser.Parse("\"Quoted\"\t\"say \"hi\"\"", out var f, out _));
        Assert.Equal(["Quoted", "say "], f!);
    }

    [Fact]
    public void Rewrite_keeps_bytes_and_comments()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-tab");
        try
        {
            var path = Path.Combine(dir.FullName, "t.tab");
            byte[] original = [.. "# comment é\n\"d\"\t\"u\xe9\"\n"u8.ToArray(), 0xFF, (byte)'\n'];
            File.WriteAllBytes(path, original);
            TabFile.Write(path, TabFile.Read(path));
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp"));
        }
        finally { dir.Delete(true); }
    }
}

public class TabFileLineEndTests
{
    [Fact]
    public void Only_LF_ends_a_line_and_other_breaks_are_data()
    {
        var lines = TabFile.Parse("\"a\u0085b\"\t\"c\fd\"\r\n\"x\rz\"\n", "t.tab");
        Assert.Equal(2, lines.Count);
        Assert.Equal(["a\u0085b", "c\fd"], lines[0].Fields!);
        Assert.Equal(["x\rz"], lines[1].Fields!);
    }

    [Fact]
    public void Rewrite_keeps_CRLF_style()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-tab");
        try
        {
            var path = Path.Combine(dir.FullName, "t.tab");
            File.WriteAllText(path, "\"a\"\r\n\"b\"\r\n");
            var lines = TabFile.Read(path);
            lines.Add(TabLine.FromFields("c"));
            TabFile.Write(path, lines);
            Assert.Equal("\"a\"\r\n\"b\"\r\n\"c\"\r\n", File.ReadAllText(path));
        }
        finally { dir.Delete(true); }
    }
}
