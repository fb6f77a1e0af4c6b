using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// The activity queue.
/// </summary>
public abstract partial class DurableStoreConformanceTests
{
    /// <summary>Creates instance <c>a</c> and runs an episode that schedules <paramref name="count"/> activities.</summary>
    protected async Task ScheduleActivitiesAsync(IDurableStore store, int count = 1)
    {
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var activities = Enumerable.Range(1, count).Select(i => Activity("a", i)).ToArray();
        await store.CompleteOrchestrationAsync(item, Commit(item, events: activities.Select(a => Scheduled(a.TaskId)).ToArray(), activities: activities), Ct);
    }

    /// <summary>Builds the response to an activity.</summary>
    protected OrchestrationMessage Response(ActivityWorkItem item)
        => new(item.Message.InstanceId, item.Message.ExecutionId, new TaskCompleted(item.Message.TaskId, "\"done\"") { Timestamp = Time.GetUtcNow() });

    [Fact]
    public async Task TryLockActivity_Queued_LocksOnceUntilLeaseExpires()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);

        var first = await LockActivityAsync(store);

        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(1, first.Message.TaskId);
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        Time.Advance(Lease - TimeSpan.FromTicks(1));
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        Time.Advance(TimeSpan.FromTicks(1));
        var second = await LockActivityAsync(store);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.NotEqual(first.LockToken, second.LockToken);
        Assert.Equal(2, second.DequeueCount);
    }

    [Fact]
    public async Task RenewActivityLock_Held_ExtendsTheLease()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var item = await LockActivityAsync(store);
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.True(await store.RenewActivityLockAsync(item, Lease, Ct));

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(await store.TryLockActivityAsync(Lease, Ct));
    }

    [Fact]
    public async Task RenewActivityLock_LockLost_ReturnsFalse()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var first = await LockActivityAsync(store);
        Time.Advance(Lease);
        var second = await LockActivityAsync(store);

        Assert.False(await store.RenewActivityLockAsync(first, Lease, Ct));
        Assert.True(await store.RenewActivityLockAsync(second, Lease, Ct));
    }

    [Fact]
    public async Task CompleteActivity_Locked_DeletesMessageAndEnqueuesResponse()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var item = await LockActivityAsync(store);

        Assert.True(await store.CompleteActivityAsync(item, Response(item), Ct));

        Time.Advance(Lease);
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        var orchestration = await LockAsync(store);
        Assert.Equal("a", orchestration.InstanceId);
        var completed = Assert.IsType<TaskCompleted>(Assert.Single(orchestration.Messages).Message.Event);
        Assert.Equal(1, completed.TaskScheduledId);
        Assert.Equal("\"done\"", completed.Result);
    }

    [Fact]
    public async Task CompleteActivity_AfterLockLost_ReturnsFalseAndEnqueuesNothing()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var first = await LockActivityAsync(store);
        Time.Advance(Lease);
        var second = await LockActivityAsync(store);

        Assert.False(await store.CompleteActivityAsync(first, Response(first), Ct));

        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Assert.True(await store.CompleteActivityAsync(second, Response(second), Ct));
        Assert.Single((await LockAsync(store)).Messages);
    }

    [Fact]
    public async Task CompleteActivity_InstanceGone_ReturnsTrueAndDropsResponse()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var item = await LockActivityAsync(store);
        var orphan = item with { Message = item.Message with { InstanceId = "gone" } };

        Assert.True(await store.CompleteActivityAsync(item, Response(orphan), Ct));

        Assert.Null(await store.GetInstanceAsync("gone", includePayloads: false, Ct));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task AbandonActivity_RetryAfter_DelaysMessage()
    {
        await using var store = await CreateSutAsync();
        await ScheduleActivitiesAsync(store);
        var item = await LockActivityAsync(store);

        await store.AbandonActivityAsync(item, TimeSpan.FromSeconds(10), Ct);

        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        var again = await LockActivityAsync(store);
        Assert.Equal(item.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
        Assert.False(await store.CompleteActivityAsync(item, Response(item), Ct));
    }
}
