using System.Text;
using XMail.Fast.Core.Smtp;

namespace XMail.Fast.Tests.Core;

/// <summary>
/// The MaxMTAOps loop check's count of Received fields: same answer as reading the header line by line (the way the
/// check was first written), whichever way the bytes are cut into chunks.
/// </summary>
public class ReceivedHopCounterTests
{
    public static TheoryData<string, int> Messages => new()
    {
        { "Received: a\r\nReceived: b\r\nSubject: x\r\n\r\nReceived: in the body\r\n", 2 },
        { "received: lower\r\nRECEIVED: upper\r\nReCeIvEd: mixed\r\n\r\n", 3 },
        { "Received: from a\r\n\tby b; folded\r\n Received: continuation, not a field\r\n\r\n", 1 },
        { "Received: LF only\nReceived: two\n\nReceived: body\n", 2 },
        { "Received: lone CR\rReceived: two\r\rReceived: body\r", 2 },
        { "\r\nReceived: everything is body\r\n", 0 },
        { "", 0 },
        { "Received:", 1 },
        { "Received", 0 },
        { "Receivedx: not the field\r\nX-Received: neither\r\nReceived : nor this\r\n\r\n", 0 },
        { "Subject: no blank line at all\r\nReceived: still the header\r\n", 1 },
        { "Received: a\r\n\r\n", 1 },
        { "Received: CRLF then LF\r\n\nReceived: body\r\n", 1 },
        { "Received: CR CR\r\rReceived: body", 1 },
        { "Received: \u00e9 Latin-1\r\nReceived\u00ff: no\r\n\r\n", 1 },
    };

    [Theory, MemberData(nameof(Messages))]
    public void Counts_like_a_line_reader(string message, int expected)
    {
        var bytes = Encoding.Latin1.GetBytes(message);
        Assert.Equal(expected, LineReaderCount(bytes));
        Assert.Equal(expected, ReceivedHopCounter.CountIn(bytes));
    }

    [Theory, MemberData(nameof(Messages))]
    public void Chunk_boundaries_do_not_change_the_count(string message, int expected)
    {
        var bytes = Encoding.Latin1.GetBytes(message);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var counter = new ReceivedHopCounter();
            if (counter.Feed(bytes.AsSpan(0, cut))) counter.Feed(bytes.AsSpan(cut));
            Assert.Equal(expected, counter.Count);
        }
        var byteAtATime = new ReceivedHopCounter();
        foreach (var b in bytes) byteAtATime.Feed([b]);
        Assert.Equal(expected, byteAtATime.Count);
    }

    [Fact]
    public void Stops_at_the_end_of_the_header()
    {
        var counter = new ReceivedHopCounter();
        Assert.True(counter.Feed("Received: a\r\n"u8));
        Assert.False(counter.HeaderEnded);
        Assert.False(counter.Feed("\r\nReceived: body\r\n"u8));
        Assert.True(counter.HeaderEnded);
        Assert.False(counter.Feed("Received: more body\r\n\r\n"u8));
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public void Random_headers_agree_with_the_line_reader()
    {
        var random = new Random(1234);
        string[] pieces = ["Received: x", "received:", "RECEIVED: y", "Received", "Subject: s", " folded", "\t", "",
            "\r\n", "\n", "\r", "\r\n", "\r\n"];
        for (int i = 0; i < 2000; i++)
        {
            var sb = new StringBuilder();
            int parts = random.Next(0, 30);
            for (int p = 0; p < parts; p++) sb.Append(pieces[random.Next(pieces.Length)]);
            var bytes = Encoding.Latin1.GetBytes(sb.ToString());
            int cut = random.Next(0, bytes.Length + 1);
            var counter = new ReceivedHopCounter();
            if (counter.Feed(bytes.AsSpan(0, cut))) counter.Feed(bytes.AsSpan(cut));
            Assert.True(LineReaderCount(bytes) == counter.Count, $"message {Convert.ToHexString(bytes)} cut at {cut}");
        }
    }

    /// <summary>The reference: header lines read with StreamReader until the first empty one.</summary>
    private static int LineReaderCount(byte[] message)
    {
        int n = 0;
        using var reader = new StreamReader(new MemoryStream(message), Encoding.Latin1);
        while (reader.ReadLine() is { Length: > 0 } line)
            if (line.StartsWith("Received:", StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }
}
