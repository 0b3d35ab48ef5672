using System.Text;
using XMail.Fast.Core.Mailbox;

namespace XMail.Fast.Tests.Delivery;

/// <summary>The bytes of a delivered message as XMail 1.27 writes them: header fields end in LF (folded inner lines keep CRLF), body unchanged.</summary>
public class DeliveredMessageWriterTests
{
    [Theory]
    [InlineData("A: b\r\n\tc\r\nD: e\r\n\r\nbody\r\n", "A: b\r\n\tc\nD: e\n\nbody\r\n")]
    [InlineData("A: b\r\nC: d", "A: b\nC: d\n")]                    // no blank line, no final CRLF
    [InlineData("A: b\nC: d\n\nx\n", "A: b\nC: d\n\nx\n")]          // bare LF lines
    [InlineData("A: b\rc\r\n\r\nx", "A: b\rc\n\nx")]                 // a CR inside a field is content
    [InlineData("\r\nbody only\r\n", "\nbody only\r\n")]              // no header fields at all
    [InlineData("", "")]
    public void Header_fields_are_re_terminated_and_the_body_copied(string message, string expected)
    {
        var output = new MemoryStream();
        DeliveredMessageWriter.CopyHeadersAndBody(output, new MemoryStream(Encoding.Latin1.GetBytes(message)));
        Assert.Equal(expected, Encoding.Latin1.GetString(output.ToArray()));
    }

    [Fact]
    public void A_long_header_section_spanning_several_read_blocks_is_copied_exactly()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) sb.Append("X-H").Append(i).Append(": ").Append(new string('v', 20)).Append("\r\n\t folded\r\n");
        sb.Append("\r\n").Append(new string('b', 100_000));
        var output = new MemoryStream();
        DeliveredMessageWriter.Write(output, "a@example.org", "bob@example.com", new MemoryStream(Encoding.Latin1.GetBytes(sb.ToString())));
        var expected = "Return-Path: <a@example.org>\nDelivered-To: bob@example.com\n" +
                       sb.ToString().Replace("\r\n\t folded\r\n", "\r\n\t folded\n").Replace("\n\r\n" + new string('b', 10), "\n\n" + new string('b', 10));
        Assert.Equal(expected, Encoding.Latin1.GetString(output.ToArray()));
    }
}
