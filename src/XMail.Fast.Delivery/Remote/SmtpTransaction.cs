using Microsoft.Win32.SafeHandles;

namespace XMail.Fast.Delivery.Remote;

/// <summary>The server's answer to one recipient: its RCPT TO reply, then (if accepted) the end-of-DATA reply.</summary>
internal struct RecipientReply
{
    public int Code;
    public string? Text;
}

/// <summary>
/// One MAIL/RCPT/DATA transaction on an open session. With PIPELINING, MAIL, every RCPT and DATA go out in one
/// write (RFC 2920) and the replies are read in order; otherwise command by command. A transaction that does not
/// end with the DATA reply is closed with RSET so the connection can serve the next message.
/// </summary>
internal static class SmtpTransaction
{
    public enum Stage { Mail, Data, Done }

    /// <summary>Where it stopped: at MAIL (MailCode/Text), at DATA (no body sent) or Done (DATA reply in replies).</summary>
    public readonly record struct Result(Stage Stage, int Code, string? Text);

    public static async Task<Result> RunAsync(SmtpClientConnection c, string mailFrom, long size, bool body8Bit, IReadOnlyList<string> rcptTo,
        SafeFileHandle body, long dataOffset, ReadOnlyMemory<byte> headerPrefix, RecipientReply[] replies, CancellationToken ct)
    {
        bool pipelining = (c.Extensions & SmtpExtensions.Pipelining) != 0;
        c.WriteMailFrom(mailFrom, size, body8Bit);
        int accepted = 0;
        int mailCode;
        if (pipelining)
        {
            for (int i = 0; i < rcptTo.Count; i++) c.WriteLine("RCPT TO:<", rcptTo[i], ">");
            c.WriteLine("DATA");
            mailCode = await c.FlushAndReadAsync(ct).ConfigureAwait(false);
            string? mailText = mailCode == 250 ? null : c.ReplyText;
            for (int i = 0; i < rcptTo.Count; i++)
            {
                replies[i].Code = await c.ReadReplyAsync(ct).ConfigureAwait(false);
                replies[i].Text = c.ReplyText;
                if (replies[i].Code is 250 or 251) accepted++;
            }
            int dataCode = await c.ReadReplyAsync(ct).ConfigureAwait(false);
            if (mailCode != 250)
            {
                if (dataCode == 354) await AbortDataAsync(c, ct).ConfigureAwait(false);
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Mail, mailCode, mailText);
            }
            if (dataCode != 354)
            {
                string? text = c.ReplyText;
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Data, dataCode, text);
            }
            if (accepted == 0)
            {
                // A server that says 354 with no valid recipient gets an empty message it must refuse.
                await AbortDataAsync(c, ct).ConfigureAwait(false);
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Data, 554, "554 no valid recipients");
            }
        }
        else
        {
            mailCode = await c.FlushAndReadAsync(ct).ConfigureAwait(false);
            if (mailCode != 250)
            {
                string? text = c.ReplyText;
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Mail, mailCode, text);
            }
            for (int i = 0; i < rcptTo.Count; i++)
            {
                c.WriteLine("RCPT TO:<", rcptTo[i], ">");
                replies[i].Code = await c.FlushAndReadAsync(ct).ConfigureAwait(false);
                replies[i].Text = c.ReplyText;
                if (replies[i].Code is 250 or 251) accepted++;
            }
            if (accepted == 0)
            {
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Data, 554, "554 no valid recipients");
            }
            c.WriteLine("DATA");
            int dataCode = await c.FlushAndReadAsync(ct).ConfigureAwait(false);
            if (dataCode != 354)
            {
                string? text = c.ReplyText;
                await ResetAsync(c, ct).ConfigureAwait(false);
                return new Result(Stage.Data, dataCode, text);
            }
        }

        await c.SendBodyAsync(body, dataOffset, ct, headerPrefix).ConfigureAwait(false);
        await c.FlushAsync(ct).ConfigureAwait(false);
        int final = await c.ReadReplyAsync(ct, keepText: true, data: true).ConfigureAwait(false);
        return new Result(Stage.Done, final, c.ReplyText);
    }

    private static async Task AbortDataAsync(SmtpClientConnection c, CancellationToken ct)
    {
        c.WriteBytes(".\r\n"u8);
        await c.FlushAndReadAsync(ct).ConfigureAwait(false);
    }

    private static async Task ResetAsync(SmtpClientConnection c, CancellationToken ct)
    {
        c.WriteLine("RSET");
        if (await c.FlushAndReadAsync(ct).ConfigureAwait(false) != 250) await c.DisposeAsync().ConfigureAwait(false);
    }
}
