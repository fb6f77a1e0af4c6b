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
/// <param name="PendingOrchestrationMessages">Gets the orchestration messages visible now, waiting for an episode.</param>
/// <param name="PendingActivities">Gets the activity messages visible now and not locked by a worker.</param>
/// <param name="ScheduledTimers">Gets the messages that become visible later: durable timers and delayed starts.</param>
public sealed record QueueStatistics(long PendingOrchestrationMessages, long PendingActivities, long ScheduledTimers);
