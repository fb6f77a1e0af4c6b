namespace OpsFunctions.Durable.Execution;

/// <summary>
/// The wait before each retry of a <see cref="RetryPolicy"/>: exponential from the first interval, capped.
/// </summary>
internal static class RetryDelays
{
    /// <summary>Gets the wait before retry number <paramref name="retry"/> (1 for the second attempt).</summary>
    public static TimeSpan GetDelay(RetryPolicy policy, int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ticks = policy.FirstRetryInterval.Ticks * Math.Pow(policy.BackoffCoefficient, retry - 1);
        var cap = policy.MaxRetryInterval == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : policy.MaxRetryInterval;
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
