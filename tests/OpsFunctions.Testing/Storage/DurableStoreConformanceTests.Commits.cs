using OpsFunctions.Durable;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// Episode commits, abandons and messages sent to instances.
/// </summary>
public abstract partial class DurableStoreConformanceTests
{
    [Fact]
    public async Task CompleteOrchestration_Episode_AppendsHistoryUpdatesHeadConsumesMessagesAndEnqueuesOutbound()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var commit = Commit(item, events: [Scheduled(1), Scheduled(2)], activities: [Activity("a", 1), Activity("a", 2)]) with
        {
            Instance = item.Instance! with { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "exec-1", CustomStatus = "\"busy\"" },
        };

        var newVersion = await store.CompleteOrchestrationAsync(item, commit, Ct);

        var head = await store.GetInstanceAsync("a", includePayloads: true, Ct);
        Assert.Equal(newVersion, head!.Version);
        Assert.Equal(OrchestrationRuntimeStatus.Running, head.Status);
        Assert.Equal("exec-1", head.ExecutionId);
        Assert.Equal("\"busy\"", head.CustomStatus);
        Assert.NotEqual(item.Instance!.Version, head.Version);
        var history = await store.ReadHistoryAsync("a", Ct);
        Assert.Equal([1, 2], history.Select(e => Assert.IsType<TaskScheduled>(e).TaskId));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        var activities = new[] { await LockActivityAsync(store), await LockActivityAsync(store) };
        Assert.Equal([1, 2], activities.Select(a => a.Message.TaskId).Order());
        Assert.All(activities, a => Assert.Equal("\"activity-input\"", a.Message.Input));

        await store.SendMessageAsync(EventMessage("a", "go"), Ct);
        var second = await LockAsync(store);
        Assert.Equal(head.Version, second.Instance!.Version);
        await store.CompleteOrchestrationAsync(second, Commit(second, events: [Scheduled(3)]), Ct);
        Assert.Equal([1, 2, 3], (await store.ReadHistoryAsync("a", Ct)).Select(e => Assert.IsType<TaskScheduled>(e).TaskId));
    }

    [Fact]
    public async Task CompleteOrchestration_TimerMessage_InvisibleUntilDue()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var fireAt = Start.AddMinutes(5);
        var timer = new OrchestrationMessage("a", "exec-1", new TimerFired(1, fireAt) { Timestamp = Time.GetUtcNow() }) { VisibleAt = fireAt };

        await store.CompleteOrchestrationAsync(item, Commit(item, messages: [timer]), Ct);

        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromTicks(1));
        var fired = await LockAsync(store);
        Assert.Equal(fireAt, Assert.IsType<TimerFired>(Assert.Single(fired.Messages).Message.Event).FireAt);
    }

    [Fact]
    public async Task CompleteOrchestration_StaleVersion_ThrowsConflictAndWritesNothing()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var stale = item with { Instance = item.Instance! with { Version = "stale" } };
        var commit = Commit(item, OrchestrationRuntimeStatus.Completed, [Scheduled(1)], [EventMessage("a", "self")], [Activity("a", 1)]);

        await Assert.ThrowsAsync<StoreConflictException>(() => store.CompleteOrchestrationAsync(stale, commit, Ct));

        var head = await store.GetInstanceAsync("a", includePayloads: true, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, head!.Status);
        Assert.Equal(item.Instance!.Version, head.Version);
        Assert.Empty(await store.ReadHistoryAsync("a", Ct));
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        Time.Advance(Lease);
        var again = await LockAsync(store);
        Assert.IsType<ExecutionStarted>(Assert.Single(again.Messages).Message.Event);
    }

    [Fact]
    public async Task CompleteOrchestration_WrongLockToken_ThrowsConflictAndWritesNothing()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);

        await Assert.ThrowsAsync<StoreConflictException>(
            () => store.CompleteOrchestrationAsync(item with { LockToken = "not-the-lock" }, Commit(item, events: [Scheduled(1)]), Ct));

        Assert.Empty(await store.ReadHistoryAsync("a", Ct));
        await store.CompleteOrchestrationAsync(item, Commit(item, events: [Scheduled(1)]), Ct);
        Assert.Single(await store.ReadHistoryAsync("a", Ct));
    }

    [Fact]
    public async Task CompleteOrchestration_LeaseLostToAnotherWorker_ThrowsConflict()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var first = await LockAsync(store);
        Time.Advance(Lease);
        var second = await LockAsync(store);
        await store.CompleteOrchestrationAsync(second, Commit(second, events: [Scheduled(2)]), Ct);

        await Assert.ThrowsAsync<StoreConflictException>(
            () => store.CompleteOrchestrationAsync(first, Commit(first, events: [Scheduled(1)]), Ct));

        Assert.Equal(2, Assert.IsType<TaskScheduled>(Assert.Single(await store.ReadHistoryAsync("a", Ct))).TaskId);
    }

    [Fact]
    public async Task CompleteOrchestration_ReplaceHistory_KeepsOnlyTheNewEvents()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        await store.CompleteOrchestrationAsync(item, Commit(item, events: [Scheduled(1), Scheduled(2), Scheduled(3)], messages: [EventMessage("a", "self")]), Ct);
        var second = await LockAsync(store);

        await store.CompleteOrchestrationAsync(second, Commit(second, events: [Scheduled(7), Scheduled(8)], replaceHistory: true), Ct);

        Assert.Equal([7, 8], (await store.ReadHistoryAsync("a", Ct)).Select(e => Assert.IsType<TaskScheduled>(e).TaskId));
        await store.SendMessageAsync(EventMessage("a", "more"), Ct);
        var third = await LockAsync(store);
        await store.CompleteOrchestrationAsync(third, Commit(third, events: [Scheduled(9)]), Ct);
        Assert.Equal([7, 8, 9], (await store.ReadHistoryAsync("a", Ct)).Select(e => Assert.IsType<TaskScheduled>(e).TaskId));
    }

    [Fact]
    public async Task CompleteOrchestration_OutboundExecutionStarted_CreatesPendingChildHead()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "parent");
        var item = await LockAsync(store);
        var start = new OrchestrationMessage(
            "child",
            "child-exec",
            new ExecutionStarted("ChildOrchestrator", "child-exec", "\"child-input\"", new ParentInstance("parent", "exec-1", 4)) { Timestamp = Time.GetUtcNow() });

        await store.CompleteOrchestrationAsync(item, Commit(item, messages: [start]), Ct);

        var child = await store.GetInstanceAsync("child", includePayloads: true, Ct);
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, child.Status);
        Assert.Equal("ChildOrchestrator", child.Name);
        Assert.Equal("\"child-input\"", child.Input);
        Assert.Equal("parent", child.ParentInstanceId);
        var childItem = await LockAsync(store);
        Assert.Equal("child", childItem.InstanceId);
        Assert.Equal(4, Assert.IsType<ExecutionStarted>(Assert.Single(childItem.Messages).Message.Event).Parent!.TaskScheduledId);
    }

    [Fact]
    public async Task CompleteOrchestration_OutboundEventToUnknownInstance_IsDropped()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);

        await store.CompleteOrchestrationAsync(item, Commit(item, messages: [EventMessage("nobody", "hello")]), Ct);

        Assert.Null(await store.GetInstanceAsync("nobody", includePayloads: false, Ct));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task SendMessage_UnknownInstance_ReturnsNullAndEnqueuesNothing()
    {
        await using var store = await CreateSutAsync();

        Assert.Null(await store.SendMessageAsync(EventMessage("nobody", "hello"), Ct));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    public async Task SendMessage_EndedInstance_ReturnsStatusAndEnqueuesNothing(OrchestrationRuntimeStatus status)
    {
        await using var store = await CreateSutAsync();
        await RunToAsync(store, "a", status);

        Assert.Equal(status, await store.SendMessageAsync(EventMessage("a", "late"), Ct));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task SendMessage_RunningInstance_EnqueuesAndReturnsStatus()
    {
        await using var store = await CreateSutAsync();
        await RunToAsync(store, "a", OrchestrationRuntimeStatus.Running);

        Assert.Equal(OrchestrationRuntimeStatus.Running, await store.SendMessageAsync(EventMessage("a", "go"), Ct));

        var item = await LockAsync(store);
        Assert.Equal("go", Assert.IsType<EventRaised>(Assert.Single(item.Messages).Message.Event).Name);
    }

    [Fact]
    public async Task AbandonOrchestration_RetryAfter_DelaysInstanceAndKeepsMessages()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        await store.SendMessageAsync(EventMessage("a", "go"), Ct);
        var item = await LockAsync(store);

        await store.AbandonOrchestrationAsync(item, TimeSpan.FromSeconds(10), Ct);

        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        var again = await LockAsync(store);
        Assert.Equal(2, again.Messages.Count);
        Assert.All(again.Messages, m => Assert.Equal(2, m.DequeueCount));
        Assert.Equal(item.Instance!.Version, again.Instance!.Version);
    }
}
