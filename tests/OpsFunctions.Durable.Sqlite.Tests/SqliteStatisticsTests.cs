using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite.Tests;

public sealed class SqliteStatisticsTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task GetQueueStatisticsAsync_DueAndFutureMessages_CountsEachKind()
    {
        var store = await _database.OpenAsync(_time);
        await CreateAsync(store, "now", visibleAt: null);
        await CreateAsync(store, "later", visibleAt: _time.GetUtcNow().AddHours(1));
        var lockedItem = await store.TryLockOrchestrationAsync(TimeSpan.FromSeconds(30), 100, Ct);
        await store.CompleteOrchestrationAsync(
            lockedItem!,
            new OrchestrationCommit(
                lockedItem!.Instance! with { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "exec-1" },
                [new TaskScheduled(0, "A", null) { Timestamp = _time.GetUtcNow() }, new TaskScheduled(1, "B", null) { Timestamp = _time.GetUtcNow() }],
                false,
                [],
                [new ActivityMessage("now", "exec-1", 0, "A", null), new ActivityMessage("now", "exec-1", 1, "B", null)]),
            Ct);
        await store.TryLockActivityAsync(TimeSpan.FromSeconds(30), Ct);

        var counts = await store.GetQueueStatisticsAsync(Ct);
        _time.Advance(TimeSpan.FromHours(1));
        var later = await store.GetQueueStatisticsAsync(Ct);

        Assert.Equal(new QueueStatistics(PendingOrchestrationMessages: 0, PendingActivities: 1, ScheduledTimers: 1), counts);
        Assert.Equal(new QueueStatistics(PendingOrchestrationMessages: 1, PendingActivities: 2, ScheduledTimers: 0), later);
    }

    private Task CreateAsync(IDurableStore store, string instanceId, DateTimeOffset? visibleAt) => store.CreateInstanceAsync(
        new InstanceRecord(instanceId, "Orchestrator") { CreatedAt = _time.GetUtcNow(), LastUpdatedAt = _time.GetUtcNow() },
        new OrchestrationMessage(instanceId, null, new ExecutionStarted("Orchestrator", "exec-1", null) { Timestamp = _time.GetUtcNow() }) { VisibleAt = visibleAt },
        Ct);
}
