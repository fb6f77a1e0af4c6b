using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// Queue counts on Azure Storage: every message in the control queues and in the work-item queue, whether due, held by a
/// host or not; timers cannot be told apart, so they are reported unknown.
/// </summary>
public sealed class QueueStatisticsTests : IAsyncDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly AzuriteTaskHubs _hubs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _hubs.DisposeAsync();

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
            var running = item.Instance! with { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "exec-1" };
            await worker.CompleteOrchestrationAsync(item, new OrchestrationCommit(running, [], false, [], [new ActivityMessage(id, "exec-1", 1, "Act", null)]), Ct);
        }

        // Stopping waits for the consumed starts to be deleted; the activities it held go back to the queue.
        await worker.DisposeAsync();
        var observer = await _hubs.CreateAsync(_time, hub, asWorker: false);

        var counts = await observer.GetQueueStatisticsAsync(Ct);

        Assert.Equal(new QueueStatistics(PendingOrchestrationMessages: 0, PendingActivities: 3, ScheduledTimers: null), counts);
    }

    private async Task CreateAsync(IDurableStore store, string instanceId)
    {
        var now = _time.GetUtcNow();
        await store.CreateInstanceAsync(
            new InstanceRecord(instanceId, "Orchestrator") { CreatedAt = now, LastUpdatedAt = now },
            new OrchestrationMessage(instanceId, null, new ExecutionStarted("Orchestrator", "exec-1", null) { Timestamp = now }),
            Ct);
    }
}
