namespace OpsFunctions.Durable;

/// <summary>
/// A declarative retry policy: attempts, exponential backoff, a cap and an overall timeout.
/// </summary>
/// <remarks>
/// Retries wait on durable timers, so a host restart between attempts loses nothing.
/// </remarks>
public sealed class RetryPolicy
{
    /// <summary>Initializes a new instance of the <see cref="RetryPolicy"/> class.</summary>
    /// <param name="maxNumberOfAttempts">The number of attempts, the first included; at least 1.</param>
    /// <param name="firstRetryInterval">The delay before the first retry; greater than zero.</param>
    /// <param name="backoffCoefficient">The factor each delay grows by; at least 1.</param>
    /// <param name="maxRetryInterval">The cap on a single delay; unbounded when <see langword="null"/>.</param>
    /// <param name="retryTimeout">The time after the first attempt past which no retry starts; unbounded when <see langword="null"/>.</param>
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        if (maxRetryInterval is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, firstRetryInterval, nameof(maxRetryInterval));
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    /// <summary>Gets the number of attempts, the first included.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Gets the factor each delay grows by.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Gets the cap on a single delay.</summary>
    /// <value>One hour unless set.</value>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Gets the time after the first attempt past which no retry starts.</summary>
    /// <value><see cref="Timeout.InfiniteTimeSpan"/> unless set.</value>
    public TimeSpan RetryTimeout { get; }

    /// <summary>
    /// Gets a predicate deciding whether a failure is retried; every <see cref="TaskFailedException"/> is retried unless set.
    /// </summary>
    public Func<Exception, bool> Handle { get; init; } = static _ => true;

    /// <summary>Gets the delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    /// <param name="retry">The retry number, starting at 1.</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, retry - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
