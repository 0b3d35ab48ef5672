using System.Text;

namespace XMail.Fast.Benchmarks;

/// <summary>Messages the benchmarks feed to the mail paths.</summary>
internal static class SampleMessages
{
    /// <summary>
    /// A message as SMTP leaves it in the spool: <paramref name="receivedHops"/> Received fields (4 lines each), 20
    /// other header fields, Subject/From/To, and a 1 KB body of 16 lines.
    /// </summary>
    public static byte[] Typical(int receivedHops = 1)
    {
        var sb = new StringBuilder();
        for (int hop = 0; hop < receivedHops; hop++)
            sb.Append("Received: from client.example.org ([192.0.2.1]:40000)\r\n\tby mx.example.com with [XMail.Fast 1.0.0 ESMTP Server]\r\n\tid <S5C> for <bob@example.com> from <a@example.org>;\r\n\tTue, 24 Nov 2026 15:44:30 -0000\r\n");
        for (int i = 0; i < 20; i++) sb.Append("X-Header-").Append(i).Append(": value number ").Append(i).Append(" of a header field\r\n");
        sb.Append("Subject: bench\r\nFrom: a@example.org\r\nTo: bob@example.com\r\n\r\n");
        for (int i = 0; i < 16; i++) sb.Append(new string('x', 62)).Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
