using OpsFunctions.Durable.Storage;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// Waiting for work.
/// </summary>
public abstract partial class DurableStoreConformanceTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task WaitForWork_EnqueueDuringWait_ReturnsPromptly()
    {
        await using var store = await CreateSutAsync();
        var wait = store.WaitForWorkAsync(WorkItemKind.Orchestration, LongWait, Ct);
        Assert.False(wait.IsCompleted);

        await CreateAsync(store, "a");

        await wait.WaitAsync(Guard, Ct);
    }

    [Fact]
    public async Task WaitForWork_EnqueueBetweenWaits_ReturnsAtOnce()
    {
        await using var store = await CreateSutAsync();
        await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.Zero, Ct);

        await CreateAsync(store, "a");

        await store.WaitForWorkAsync(WorkItemKind.Orchestration, LongWait, Ct).WaitAsync(Guard, Ct);
    }

    [Fact]
    public async Task WaitForWork_ActivityEnqueued_WakesActivityWaiter()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var wait = store.WaitForWorkAsync(WorkItemKind.Activity, LongWait, Ct);
        Assert.False(wait.IsCompleted);

        await store.CompleteOrchestrationAsync(item, Commit(item, activities: [Activity("a", 1)]), Ct);

        await wait.WaitAsync(Guard, Ct);
    }

    [Fact]
    public async Task WaitForWork_MessageDue_ReturnsWhenTimeAdvances()
    {
        await using var store = await CreateSutAsync();
        await store.CreateInstanceAsync(NewInstance("a"), StartMessage("a", visibleAt: Start.AddSeconds(10)), Ct);
        await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.Zero, Ct);

        var wait = store.WaitForWorkAsync(WorkItemKind.Orchestration, LongWait, Ct);
        Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(wait.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(1));

        await wait.WaitAsync(Guard, Ct);
        Assert.NotNull(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task WaitForWork_LockExpires_ReturnsWhenTimeAdvances()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        await LockAsync(store);
        await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.Zero, Ct);

        var wait = store.WaitForWorkAsync(WorkItemKind.Orchestration, LongWait, Ct);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.False(wait.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(1));

        await wait.WaitAsync(Guard, Ct);
    }

    [Fact]
    public async Task WaitForWork_NothingQueued_ReturnsAfterMaxWait()
    {
        await using var store = await CreateSutAsync();

        var wait = store.WaitForWorkAsync(WorkItemKind.Activity, TimeSpan.FromSeconds(3), Ct);
        Assert.False(wait.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(3));

        await wait.WaitAsync(Guard, Ct);
    }

    [Fact]
    public async Task WaitForWork_Cancelled_Throws()
    {
        await using var store = await CreateSutAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var wait = store.WaitForWorkAsync(WorkItemKind.Orchestration, LongWait, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Guard, Ct));
    }
}
