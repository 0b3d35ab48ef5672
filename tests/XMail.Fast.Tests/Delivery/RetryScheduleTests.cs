using XMail.Fast.Core.Spool;
using XMail.Fast.Delivery.Smail;

namespace XMail.Fast.Tests.Delivery;

/// <summary>"COMMAND LINE [SMAIL]" -Qt -Qi -Qr: the retry schedule and the time-ordered retry queue, on a manual clock.</summary>
public class RetryScheduleTests
{
    [Fact]
    public void Delay_grows_by_T_over_ratio_with_integer_seconds()
    {
        var s = new RetrySchedule(480, 16, 32);
        Assert.Equal(TimeSpan.FromSeconds(480), s.DelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(510), s.DelayAfter(2));   // 480 + 30
        Assert.Equal(TimeSpan.FromSeconds(541), s.DelayAfter(3));   // 510 + 31
        Assert.Equal(TimeSpan.FromSeconds(574), s.DelayAfter(4));   // 541 + 33
        Assert.False(s.IsExpired(31));
        Assert.True(s.IsExpired(32));
    }

    [Fact]
    public void Ratio_zero_keeps_the_delay_constant()
    {
        var s = new RetrySchedule(60, 0, 3);
        Assert.Equal(TimeSpan.FromSeconds(60), s.DelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(60), s.DelayAfter(10));
    }

    [Fact]
    public void Retry_queue_releases_entries_in_due_order_only_when_due()
    {
        var t0 = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var q = new RetryQueue();
        var a = new SpoolRef(0, 0, "a");
        var b = new SpoolRef(0, 1, "b");
        var c = new SpoolRef(1, 1, "c");
        q.Add(a, t0.AddSeconds(510));
        q.Add(b, t0.AddSeconds(480));
        q.Add(c, t0.AddSeconds(900));
        Assert.Empty(q.TakeDue(t0.AddSeconds(479)));
        Assert.Equal(t0.AddSeconds(480), q.NextDue);
        Assert.Equal([b], q.TakeDue(t0.AddSeconds(480)));
        Assert.Equal([a], q.TakeDue(t0.AddSeconds(600)));
        // ETRN makes a waiting message due now.
        Assert.Equal(1, q.MakeDue(r => r.Name == "c", t0.AddSeconds(601)));
        Assert.Equal([c], q.TakeDue(t0.AddSeconds(601)));
        Assert.Null(q.NextDue);
    }

    [Fact]
    public void Adding_wakes_the_waiting_loop_and_a_duplicate_keeps_the_earlier_time()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var q = new RetryQueue();
        var changed = q.Changed;
        var a = new SpoolRef(0, 0, "a");
        q.Add(a, t0.AddSeconds(100));
        Assert.True(changed.IsCompleted);
        q.Add(a, t0.AddSeconds(50));
        q.Add(a, t0.AddSeconds(200));
        Assert.Equal(1, q.Count);
        Assert.Equal(t0.AddSeconds(50), q.NextDue);
    }
}
