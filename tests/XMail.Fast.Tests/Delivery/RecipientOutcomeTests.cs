using XMail.Fast.Delivery;

namespace XMail.Fast.Tests.Delivery;

/// <summary>The one per-recipient outcome: how a remote reply reads in logs, slog/ and bounces.</summary>
public class RecipientOutcomeTests
{
    [Theory]
    [InlineData(DeliveryStatus.PermanentFailure, "mx.test[192.0.2.1]:25", "550 5.1.1 no such user", "550 5.1.1 no such user (mx.test[192.0.2.1]:25)")]
    [InlineData(DeliveryStatus.TemporaryFailure, "mx.test[192.0.2.1]:25", "connection lost", "451 connection lost (mx.test[192.0.2.1]:25)")]
    [InlineData(DeliveryStatus.TemporaryFailure, "", "temporary DNS failure", "451 temporary DNS failure")]
    [InlineData(DeliveryStatus.PermanentFailure, "", "host not found", "550 host not found")]
    [InlineData(DeliveryStatus.Delivered, "mx.test[192.0.2.1]:25", "250 2.0.0 queued", "250 2.0.0 queued (mx.test[192.0.2.1]:25)")]
    public void Remote_text_has_a_reply_code_first_and_the_server_after(DeliveryStatus status, string server, string reply, string text)
    {
        var o = RecipientOutcome.Remote("a@dest.test", status, server, reply);
        Assert.Equal(text, o.Text);
        Assert.Equal("a@dest.test", o.Recipient);
        Assert.Equal("a@dest.test", o.Target);
        Assert.Equal(server, o.Server);
        Assert.True(o.Notify && o.Freeze);
    }
}
