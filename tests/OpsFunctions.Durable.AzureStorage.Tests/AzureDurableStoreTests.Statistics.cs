using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// Queue counts on Azure Storage: every message in the control queues and in the work-item queue, whether due, held by a
/// host or not; timers cannot be told apart, so they are reported unknown.
/// </summary>
public sealed partial class AzureDurableStoreTests
{
    [Fact]
    public async Task GetQueueStatistics_MessagesSentWithNoWorkerRunning_CountsThemAndLeavesTimersUnknown()
    {
        var clientOnly = await _hubs.CreateAsync(_time, asWorker: false);
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CreateAsync(clientOnly, id);
        }

        var later = new EventRaised("e", "later", null) { Timestamp = _time.GetUtcNow() };
        await clientOnly.SendMessageAsync(new OrchestrationMessage("a", null, later) { VisibleAt = _time.GetUtcNow().AddHours(1) }, Ct);

        var counts = await clientOnly.GetQueueStatisticsAsync(Ct);

        Assert.Equal(new QueueStatistics(PendingOrchestrationMessages: 4, PendingActivities: 0, ScheduledTimers: null), counts);
    }

    [Fact]
    public async Task GetQueueStatistics_ActivitiesAWorkerScheduledAndHeld_CountsTheWorkItemQueue()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var worker = await _hubs.CreateAsync(_time, hub);

        // One activity per episode: activities sent together may share a queue message, and the queue counts messages.
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CreateAsync(worker, id);
            var item = (await worker.TryLockOrchestrationAsync(Lease, 100, Ct))!;
            await worker.CompleteOrchestrationAsync(item, Commit(item, [], activities: [new ActivityMessage(id, "exec-1", 1, "Act", null)]), Ct);
        }

        // Stopping waits for the consumed starts to be deleted; the activities it held go back to the queue.
        await worker.DisposeAsync();
        var observer = await _hubs.CreateAsync(_time, hub, asWorker: false);

        var counts = await observer.GetQueueStatisticsAsync(Ct);

        Assert.Equal(new QueueStatistics(PendingOrchestrationMessages: 0, PendingActivities: 3, ScheduledTimers: null), counts);
    }
}
