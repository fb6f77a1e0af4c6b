using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Durable;

/// <summary>
/// Engine settings; bound from <c>extensions:durableTask</c> of <c>host.json</c> by the host.
/// </summary>
public sealed class DurableTaskOptions
{
    /// <summary>Gets or sets the task hub name.</summary>
    /// <value><c>ops</c> unless set.</value>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "The hub name must start with a letter and hold 3 to 45 letters and digits.")]
    public string HubName { get; set; } = DurableTaskConstants.DefaultHubName;

    /// <summary>Gets or sets how many activities run at once in this worker.</summary>
    /// <value>10 per processor unless set.</value>
    [Range(1, 10_000)]
    public int MaxConcurrentActivities { get; set; } = DurableTaskConstants.DefaultConcurrencyPerProcessor * Environment.ProcessorCount;

    /// <summary>Gets or sets how many orchestration episodes run at once in this worker.</summary>
    /// <value>10 per processor unless set.</value>
    [Range(1, 10_000)]
    public int MaxConcurrentOrchestrations { get; set; } = DurableTaskConstants.DefaultConcurrencyPerProcessor * Environment.ProcessorCount;

    /// <summary>Gets or sets how long a work item's lock holds before another worker may take it. Activities renew theirs.</summary>
    /// <value>30 seconds unless set.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LockTimeout { get; set; } = DurableTaskConstants.DefaultLockTimeout;

    /// <summary>Gets or sets how many times a message may be taken before it is treated as poison.</summary>
    /// <value>10 unless set.</value>
    [Range(1, 1000)]
    public int MaxDequeueCount { get; set; } = DurableTaskConstants.DefaultMaxDequeueCount;

    /// <summary>Gets or sets how many orchestrations the worker keeps in memory between episodes.</summary>
    /// <value>1,000 unless set; 0 turns the cache off, so every episode replays from history.</value>
    [Range(0, 1_000_000)]
    public int MaxCachedOrchestrations { get; set; } = DurableTaskConstants.DefaultMaxCachedOrchestrations;

    /// <summary>Gets or sets how long an orchestration stays cached without an episode.</summary>
    /// <value>5 minutes unless set.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CachedOrchestrationIdleTimeout { get; set; } = DurableTaskConstants.DefaultCacheIdleTimeout;

    /// <summary>Gets or sets the longest a worker waits before polling an idle store again.</summary>
    /// <value>1 second unless set.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxPollingInterval { get; set; } = DurableTaskConstants.DefaultMaxPollingInterval;

    /// <summary>
    /// Gets or sets how long running activities may go on finishing once the worker is asked to stop.
    /// </summary>
    /// <value>Zero unless set: running activities are cancelled at once and handed back for redelivery.</value>
    /// <remarks>
    /// The worker takes no new work once stopping begins. Activities still running when the period ends are
    /// cancelled and abandoned, so another worker (or this one, restarted) runs them again; nothing is lost.
    /// The host's own shutdown timeout must be longer than this period, or the host stops waiting first.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ShutdownGracePeriod { get; set; }
}

/// <summary>
/// The defaults of <see cref="DurableTaskOptions"/>.
/// </summary>
public static class DurableTaskConstants
{
    /// <summary>The default task hub name.</summary>
    public const string DefaultHubName = "ops";

    /// <summary>Concurrent work items per processor, for activities and orchestrations each.</summary>
    public const int DefaultConcurrencyPerProcessor = 10;

    /// <summary>The default most messages handed to one orchestration episode.</summary>
    public const int MaxMessagesPerEpisode = 100;

    /// <summary>The default poison threshold.</summary>
    public const int DefaultMaxDequeueCount = 10;

    /// <summary>The default orchestration cache size.</summary>
    public const int DefaultMaxCachedOrchestrations = 1_000;

    /// <summary>The default lock timeout.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default cache idle timeout.</summary>
    public static readonly TimeSpan DefaultCacheIdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The default longest idle poll interval.</summary>
    public static readonly TimeSpan DefaultMaxPollingInterval = TimeSpan.FromSeconds(1);
}
