using XMail.Fast.Server;

namespace XMail.Fast.Tests.Server;

/// <summary>An idle server gives memory back once per idle period: after a busy interval, at the first quiet one.</summary>
public sealed class IdleMemoryTrimmerTests
{
    [Fact]
    public void Trims_at_the_first_quiet_interval_after_a_busy_one_and_only_then()
    {
        var policy = new IdleTrimPolicy(10);
        Assert.False(policy.ShouldTrim(10)); // idle since start: nothing was allocated to give back
        Assert.False(policy.ShouldTrim(25)); // busy
        Assert.False(policy.ShouldTrim(40)); // still busy
        Assert.True(policy.ShouldTrim(40)); // quiet: trim
        policy.Trimmed(41); // our own collection
        Assert.False(policy.ShouldTrim(41)); // still quiet: already trimmed
        Assert.False(policy.ShouldTrim(41));
        Assert.False(policy.ShouldTrim(50)); // busy again
        Assert.True(policy.ShouldTrim(50));
    }
}
