using System.Buffers;
using System.Text;
using XMail.Fast.Protocols.Connections;

namespace XMail.Fast.Tests.Server;

/// <summary>The command-line scanner every protocol reads with: line ends, the length limit and the over-long discard.</summary>
public sealed class CommandLineScannerTests
{
    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.Latin1.GetBytes(s));

    /// <summary>Splits the text into one-byte-to-n segments, as socket reads may.</summary>
    private static ReadOnlySequence<byte> Segments(string s, int size)
    {
        var data = Encoding.Latin1.GetBytes(s);
        Segment? first = null, last = null;
        for (int i = 0; i < data.Length; i += size)
        {
            var seg = new Segment(data.AsMemory(i, Math.Min(size, data.Length - i)));
            if (first is null) first = last = seg;
            else last = last!.Append(seg);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> m) => Memory = m;
        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }

    [Theory]
    [InlineData("NOOP\r\nQUIT\r\n", "NOOP")]
    [InlineData("NOOP\nQUIT\r\n", "NOOP")]     // a bare LF ends a command line too
    [InlineData("NO\rOP\r\n", "NO\rOP")]      // only the CR right before the LF is dropped
    [InlineData("\r\n", "")]
    public void A_line_ends_at_LF_and_one_CR_before_it_is_dropped(string input, string expected)
    {
        var scanner = new CommandLineScanner(512);
        var buffer = Bytes(input);
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var line));
        Assert.Equal(expected, Encoding.Latin1.GetString(line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Lines_split_across_segments_are_found_whole(int segment)
    {
        var scanner = new CommandLineScanner(512);
        var buffer = Segments("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDA", segment);
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var first));
        Assert.Equal("MAIL FROM:<a@example.org>", Encoding.Latin1.GetString(first));
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var second));
        Assert.Equal("RCPT TO:<b@example.org>", Encoding.Latin1.GetString(second));
        Assert.Equal(CommandLineStatus.NeedMore, scanner.TryRead(ref buffer, out _));
        Assert.Equal("DA", Encoding.Latin1.GetString(buffer)); // not consumed: examined only
    }

    [Fact]
    public void The_limit_counts_the_line_without_its_CRLF()
    {
        var scanner = new CommandLineScanner(10);
        var buffer = Bytes(new string('a', 10) + "\r\n" + new string('b', 11) + "\r\nnext\r\n");
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var ok));
        Assert.Equal(10, ok.Length);
        Assert.Equal(CommandLineStatus.TooLong, scanner.TryRead(ref buffer, out _));
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var next));
        Assert.Equal("next", Encoding.Latin1.GetString(next));
    }

    [Fact]
    public void An_overlong_line_is_discarded_across_reads_and_reported_once_at_its_LF()
    {
        var scanner = new CommandLineScanner(10);
        var buffer = Bytes(new string('x', 30));
        Assert.Equal(CommandLineStatus.NeedMore, scanner.TryRead(ref buffer, out _));
        Assert.Equal(0, buffer.Length); // consumed: nothing of it is kept
        buffer = Bytes(new string('y', 5));
        Assert.Equal(CommandLineStatus.NeedMore, scanner.TryRead(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
        buffer = Bytes("zz\r\nNOOP\r\n");
        Assert.Equal(CommandLineStatus.TooLong, scanner.TryRead(ref buffer, out _));
        Assert.Equal(CommandLineStatus.Line, scanner.TryRead(ref buffer, out var line));
        Assert.Equal("NOOP", Encoding.Latin1.GetString(line));
    }

    [Fact]
    public void A_short_partial_line_is_left_for_the_next_read()
    {
        var scanner = new CommandLineScanner(10);
        var buffer = Bytes("NOO");
        Assert.Equal(CommandLineStatus.NeedMore, scanner.TryRead(ref buffer, out _));
        Assert.Equal(3, buffer.Length);
    }
}
