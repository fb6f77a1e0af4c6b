using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Queue counts for metrics, from the approximate message count Azure Queues keep per queue.
/// </summary>
public sealed partial class AzureDurableStore : IDurableStoreStatistics
{
    /// <inheritdoc/>
    /// <remarks>
    /// Azure Queues count every message in a queue, visible or not: <see cref="QueueStatistics.PendingOrchestrationMessages"/>
    /// is the sum over the control queues, timers not yet due and messages hosts hold or are running included;
    /// <see cref="QueueStatistics.PendingActivities"/> is the work-item queue, activities held or running included.
    /// Both count queue messages, and one queue message may carry several engine messages sent together. Timers cannot
    /// be told apart from the control queues' count, so <see cref="QueueStatistics.ScheduledTimers"/> is
    /// <see langword="null"/>. The counts are the service's approximation; each call reads every queue once, in parallel.
    /// </remarks>
    public async Task<QueueStatistics> GetQueueStatisticsAsync(CancellationToken cancellationToken)
    {
        var control = Task.WhenAll(_controlQueues.Select(queue => queue.GetPropertiesAsync(cancellationToken)));
        var workItems = _workItemQueue.GetPropertiesAsync(cancellationToken);
        await Task.WhenAll(control, workItems).ConfigureAwait(false);
        var orchestration = (await control.ConfigureAwait(false)).Sum(properties => (long)properties.Value.ApproximateMessagesCount);
        var activities = (long)(await workItems.ConfigureAwait(false)).Value.ApproximateMessagesCount;
        return new QueueStatistics(orchestration, activities, ScheduledTimers: null);
    }
}
