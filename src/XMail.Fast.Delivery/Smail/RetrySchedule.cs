namespace XMail.Fast.Delivery.Smail;

/// <summary>
/// -Qt/-Qi/-Qr: the wait before try i+1 is T(1) = -Qt and T(i) = T(i-1) + T(i-1)/ratio (integer seconds, as
/// XMail computes it; ratio 0 keeps T constant). After -Qr tries the message has expired.
/// </summary>
public sealed class RetrySchedule
{
    public RetrySchedule(int firstDelaySeconds, int ratio, int maxTries)
    {
        FirstDelaySeconds = Math.Max(0, firstDelaySeconds);
        Ratio = Math.Max(0, ratio);
        MaxTries = Math.Max(1, maxTries);
    }

    public int FirstDelaySeconds { get; }
    public int Ratio { get; }
    public int MaxTries { get; }

    /// <summary>The wait after the <paramref name="failedTries"/>-th failed try (1-based).</summary>
    public TimeSpan DelayAfter(int failedTries)
    {
        long t = FirstDelaySeconds;
        for (int i = 2; i <= failedTries && Ratio > 0; i++)
        {
            t += t / Ratio;
            if (t > 30L * 24 * 3600) { t = 30L * 24 * 3600; break; }
        }
        return TimeSpan.FromSeconds(t);
    }

    public bool IsExpired(int failedTries) => failedTries >= MaxTries;
}
