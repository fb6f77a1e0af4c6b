namespace OpsFunctions.Durable.Storage;

/// <summary>
/// Optional for a store: counts of queued work, for metrics. A store that cannot count cheaply leaves it out.
/// </summary>
public interface IDurableStoreStatistics
{
    /// <summary>Counts the queued work now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts.</returns>
    Task<QueueStatistics> GetQueueStatisticsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// How much work waits in a task hub.
/// </summary>
/// <remarks>
/// What a store can tell apart differs: each store documents what its counts hold. A queue service that reports one
/// count per queue cannot tell due messages from those not due yet or held by a host, so it counts them together and
/// reports <see cref="ScheduledTimers"/> as unknown rather than as zero.
/// </remarks>
/// <param name="PendingOrchestrationMessages">Gets the orchestration messages waiting for an episode: those visible now, on a store that can tell.</param>
/// <param name="PendingActivities">Gets the activity messages waiting for a worker: those visible now and not locked, on a store that can tell.</param>
/// <param name="ScheduledTimers">Gets the messages that become visible later (durable timers and delayed starts), or <see langword="null"/> when the store cannot count them apart.</param>
public sealed record QueueStatistics(long PendingOrchestrationMessages, long PendingActivities, long? ScheduledTimers);
