using System.Buffers;
using System.Text;
using XMail.Fast.Core.Wire;

namespace XMail.Fast.Tests.Core;

/// <summary>
/// Dot-stuffing for SMTP DATA (RFC 5321 4.5.2), POP3 RETR/TOP (RFC 1939 3) and CTRL file replies: the bytes on the
/// wire, whichever way the stored message is cut into chunks, and the property that matters against smuggling —
/// the peer finds "CRLF.CRLF" once, at the end, and un-stuffing gives back the message.
/// </summary>
public class DotStufferTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "", ".\r\n" },
        { ".\r\n", "..\r\n.\r\n" },                                  // a dot line at the very start
        { ".x\r\ny\r\n", "..x\r\ny\r\n.\r\n" },
        { "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n" },              // a lone dot in the middle is not the end
        { "a\r\n..\r\n", "a\r\n...\r\n.\r\n" },
        { "a\r\n.\r\n", "a\r\n..\r\n.\r\n" },                        // nor at the end
        { "abc", "abc\r\n.\r\n" },                                   // last line without a line end
        { "abc\r\n", "abc\r\n.\r\n" },
        { "a\nb\n", "a\r\nb\r\n.\r\n" },                             // bare LF is a line end, sent as CRLF
        { "a\n.\n", "a\r\n..\r\n.\r\n" },                            // "\n.\n" can never reach the wire
        { "a\n.\r\n", "a\r\n..\r\n.\r\n" },
        { "a\n", "a\r\n.\r\n" },                                     // was "a\n.\r\n" in the SMTP client
        { "\n", "\r\n.\r\n" },
        { "a\r.b\r\n", "a\r.b\r\n.\r\n" },                           // a bare CR is data, not a line start
        { "a\r", "a\r\r\n.\r\n" },
        { "a\r\r\n", "a\r\r\n.\r\n" },
        { "x.\r\n .\r\n", "x.\r\n .\r\n.\r\n" },                     // only a dot that starts a line
        { "\u00e9\u00ff\0\r\n", "\u00e9\u00ff\0\r\n.\r\n" },         // any byte passes through
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stuffs_and_terminates(string message, string wire) =>
        Assert.Equal(wire, Run(message, []));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_cut_into_two_or_three_chunks_gives_the_same_bytes(string message, string wire)
    {
        for (int i = 0; i <= message.Length; i++)
        for (int j = i; j <= message.Length; j++)
            Assert.Equal(wire, Run(message, [i, j]));
    }

    [Theory]
    [InlineData("a\r", "\nb\r\n", "a\r\nb\r\n.\r\n")]                // CR and LF in different chunks
    [InlineData("a\r\n", ".b\r\n", "a\r\n..b\r\n.\r\n")]             // a dot line starting a chunk
    [InlineData("a\r", ".b\r\n", "a\r.b\r\n.\r\n")]                  // ... after a bare CR it is data
    [InlineData("a", "\n.", "a\r\n..\r\n.\r\n")]
    [InlineData("line one", " continues\r\n", "line one continues\r\n.\r\n")]
    public void Chunk_boundaries_keep_line_state(string first, string second, string wire)
    {
        var s = DotStuffer.Create();
        var dst = new byte[64];
        int w = s.Transform(Bytes(first), dst);
        w += s.Transform(Bytes(second), dst.AsSpan(w));
        w += s.Finish(dst.AsSpan(w));
        Assert.Equal(wire, Latin1(dst.AsSpan(0, w)));
    }

    /// <summary>Random messages of CR, LF, '.', 'a': the invariants a receiver relies on, for every chunking.</summary>
    [Fact]
    public void Random_messages_reach_the_peer_intact_and_end_once()
    {
        var rng = new Random(20261204);
        const string alphabet = "\r\n.a";
        for (int n = 0; n < 5000; n++)
        {
            var chars = new char[rng.Next(0, 24)];
            for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            var message = new string(chars);
            var wire = Run(message, [rng.Next(0, message.Length + 1), rng.Next(0, message.Length + 1)]);
            Assert.Equal(Run(message, []), wire);

            var terminator = wire.Length == 3 ? 0 : wire.IndexOf("\r\n.\r\n", StringComparison.Ordinal) + 2;
            Assert.Equal(wire.Length - 3, terminator);                // CRLF.CRLF only at the end
            for (int i = 0; i < wire.Length; i++)
                if (wire[i] == '\n') Assert.True(i > 0 && wire[i - 1] == '\r', $"bare LF in {Escape(wire)}");
            Assert.Equal(Normalized(message), Unstuffed(wire));
        }
    }

    [Theory]
    [InlineData(0, "H: 1\r\nH: 2\r\n\r\n.\r\n")]
    [InlineData(1, "H: 1\r\nH: 2\r\n\r\n..b1\r\n.\r\n")]
    [InlineData(2, "H: 1\r\nH: 2\r\n\r\n..b1\r\nb2\r\n.\r\n")]
    [InlineData(-1, "H: 1\r\nH: 2\r\n\r\n..b1\r\nb2\r\nb3\r\n.\r\n")]
    [InlineData(9, "H: 1\r\nH: 2\r\n\r\n..b1\r\nb2\r\nb3\r\n.\r\n")]
    public void Top_sends_the_header_and_n_body_lines(long lines, string wire)
    {
        const string message = "H: 1\r\nH: 2\n\r\n.b1\r\nb2\nb3";
        for (int cut = 0; cut <= message.Length; cut++)
        {
            var s = DotStuffer.ForTop(lines);
            var dst = new byte[128];
            int w = s.Transform(Bytes(message[..cut]), dst);
            w += s.Transform(Bytes(message[cut..]), dst.AsSpan(w));
            w += s.Finish(dst.AsSpan(w));
            Assert.Equal(wire, Latin1(dst.AsSpan(0, w)));
        }
    }

    [Fact]
    public void Files_sent_one_after_another_each_end_their_last_line()
    {
        var s = DotStuffer.Create();
        var output = new ArrayBufferWriter<byte>();
        s.Write(Bytes("one\r\ntwo"), output);
        s.EndLine(output);
        s.Write(Bytes(".three\n"), output);
        s.EndLine(output);
        s.Finish(output);
        Assert.Equal("one\r\ntwo\r\n..three\r\n.\r\n", Latin1(output.WrittenSpan));
    }

    [Fact]
    public void Output_never_exceeds_MaxOutput()
    {
        var worst = Bytes(string.Concat(Enumerable.Repeat(".\n", 100)));
        var s = DotStuffer.Create();
        var dst = new byte[DotStuffer.MaxOutput(worst.Length)];
        Assert.Equal(dst.Length, s.Transform(worst, dst));
    }

    private static string Run(string message, int[] cuts)
    {
        var s = DotStuffer.Create();
        var src = Bytes(message);
        var dst = new byte[DotStuffer.MaxOutput(src.Length) + DotStuffer.MaxFinishBytes];
        int w = 0, from = 0;
        foreach (var cut in cuts.Order())
        {
            w += s.Transform(src.AsSpan(from, cut - from), dst.AsSpan(w));
            from = cut;
        }
        w += s.Transform(src.AsSpan(from), dst.AsSpan(w));
        w += s.Finish(dst.AsSpan(w));
        return Latin1(dst.AsSpan(0, w));
    }

    /// <summary>The message as lines: every LF a CRLF, and a last line always ended.</summary>
    private static string Normalized(string message)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < message.Length; i++)
        {
            if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) sb.Append('\r');
            sb.Append(message[i]);
        }
        if (sb.Length > 0 && sb[^1] != '\n') sb.Append("\r\n");
        return sb.ToString();
    }

    /// <summary>What a receiver stores: the lines before the terminator, one leading dot removed from each.</summary>
    private static string Unstuffed(string wire)
    {
        var body = wire[..^3];
        var sb = new StringBuilder();
        foreach (var line in body.Split("\r\n")[..^1])
            sb.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
        return sb.ToString();
    }

    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);
    private static string Latin1(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);
    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}
