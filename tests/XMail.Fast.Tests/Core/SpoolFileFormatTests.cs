using System.Text;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Tests.Core;

/// <summary>
/// "XMAIL SPOOL DESIGN" and "XMAIL LOCAL MAILER": the bytes of a spool header and of an LMAIL envelope as every
/// producer writes them, and that the readers take back what the writers wrote.
/// </summary>
public class SpoolFileFormatTests
{
    private const string Info = "[192.0.2.1]:40000;[192.0.2.25]:25;Tue, 24 Nov 2026 15:44:30 +0100";

    [Fact]
    public void Spool_header_lines_in_order_then_the_marker_each_ending_in_CRLF()
    {
        var text = new StringBuilder();
        SpoolHeaderWriter.Write(new Sink(text), Info, "mx.example.com", "S5C", "MAIL FROM:<a@example.org> SIZE=10",
            new[] { "RCPT TO:<b@example.com>", "RCPT TO:<c@example.com>" }, static r => r);
        Assert.Equal(Info + "\r\nmx.example.com\r\nS5C\r\nMAIL FROM:<a@example.org> SIZE=10\r\n" +
                     "RCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\n<<MAIL-DATA>>\r\n", text.ToString());
    }

    [Fact]
    public void A_header_written_to_a_draft_reads_back_with_its_data_offset()
    {
        var header = new SpoolHeader { Info = Info, SmtpDomain = "mx.example.com", MessageId = "S5C", MailFromLine = SpoolHeader.MailFromLineFor("") };
        header.RcptLines.Add(SpoolHeader.RcptLineFor("b@example.com"));
        var dir = Directory.CreateTempSubdirectory("xmf-spoolfmt").FullName;
        try
        {
            using var writer = new SpoolWriter(new SpoolLayout(dir, 2));
            using var draft = writer.Create();
            header.WriteTo(draft);
            draft.Write("Subject: x\r\n\r\nbody\r\n"u8);
            draft.Close();
            var bytes = File.ReadAllBytes(draft.TempPath);
            Assert.Equal(header.Format() + "Subject: x\r\n\r\nbody\r\n", Encoding.Latin1.GetString(bytes));

            var back = SpoolHeader.Read(new MemoryStream(bytes))!;
            Assert.Equal(Info, back.Info);
            Assert.Equal("", back.MailFrom);
            Assert.Equal(["b@example.com"], back.Recipients);
            Assert.Equal(header.Format().Length, back.DataOffset);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Lmail_envelope_round_trip()
    {
        var s = new MemoryStream();
        LocalMailFile.WriteEnvelope(s, "a@example.org", ["b@example.com", "c@example.com"]);
        s.Write("Subject: x\r\n"u8);
        Assert.Equal("mail from:<a@example.org>\r\nrcpt to:<b@example.com>\r\nrcpt to:<c@example.com>\r\n\r\nSubject: x\r\n",
            Encoding.Latin1.GetString(s.ToArray()));

        s.Position = 0;
        Assert.True(LocalMailFile.TryReadEnvelope(s, out var sender, out var rcpts, out var error), error);
        Assert.Equal("a@example.org", sender);
        Assert.Equal(["b@example.com", "c@example.com"], rcpts);
        Assert.Equal((byte)'S', s.ReadByte());
    }

    private sealed class Sink(StringBuilder sb) : ISpoolTextWriter
    {
        public void WriteText(ReadOnlySpan<char> text) => sb.Append(text);
    }
}
