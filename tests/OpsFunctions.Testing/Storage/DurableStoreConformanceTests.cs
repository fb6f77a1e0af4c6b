using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// The behaviour every <see cref="IDurableStore"/> must have. A backend's test class inherits this and creates its store.
/// </summary>
/// <remarks>
/// Time is a <see cref="FakeTimeProvider"/>: visibility and lease expiry move only when a test advances it.
/// Waits that should end carry a real-time guard, so a bug fails the test instead of hanging it.
/// </remarks>
public abstract partial class DurableStoreConformanceTests
{
    /// <summary>The fake clock's start.</summary>
    protected static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A lease long enough that it never expires unless a test advances time past it.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>The real-time guard on waits that should end.</summary>
    protected static readonly TimeSpan Guard = Eventually.Patience;

    private const string OrchestratorName = "Orchestrator";

    /// <summary>Gets the clock of the stores this test creates.</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Gets the test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an initialized, empty store judged by <paramref name="timeProvider"/>. The test disposes it.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The store.</returns>
    protected abstract Task<IDurableStore> CreateStoreAsync(TimeProvider timeProvider);

    /// <summary>Creates the store under test on <see cref="Time"/>.</summary>
    /// <returns>The store.</returns>
    protected Task<IDurableStore> CreateSutAsync() => CreateStoreAsync(Time);

    /// <summary>Builds a Pending head created now.</summary>
    protected InstanceRecord NewInstance(string instanceId, string? input = "\"input\"") => new(instanceId, OrchestratorName)
    {
        CreatedAt = Time.GetUtcNow(),
        LastUpdatedAt = Time.GetUtcNow(),
        Input = input,
    };

    /// <summary>Builds a start message.</summary>
    protected OrchestrationMessage StartMessage(string instanceId, string? input = "\"input\"", DateTimeOffset? visibleAt = null)
        => new(instanceId, null, new ExecutionStarted(OrchestratorName, "exec-1", input) { Timestamp = Time.GetUtcNow() }) { VisibleAt = visibleAt };

    /// <summary>Builds a raised-event message.</summary>
    protected OrchestrationMessage EventMessage(string instanceId, string name, DateTimeOffset? visibleAt = null)
        => new(instanceId, null, new EventRaised(name + "-id", name, null) { Timestamp = Time.GetUtcNow() }) { VisibleAt = visibleAt };

    /// <summary>Builds an activity request.</summary>
    protected static ActivityMessage Activity(string instanceId, int taskId) => new(instanceId, "exec-1", taskId, "Act", "\"activity-input\"");

    /// <summary>Builds a scheduled-task event.</summary>
    protected HistoryEvent Scheduled(int taskId) => new TaskScheduled(taskId, "Act", null) { Timestamp = Time.GetUtcNow() };

    /// <summary>Creates an instance with its start message visible now.</summary>
    protected async Task CreateAsync(IDurableStore store, string instanceId, string? input = "\"input\"")
        => await store.CreateInstanceAsync(NewInstance(instanceId, input), StartMessage(instanceId, input), Ct);

    /// <summary>Builds the commit of an episode of <paramref name="item"/>.</summary>
    protected OrchestrationCommit Commit(
        OrchestrationWorkItem item,
        OrchestrationRuntimeStatus status = OrchestrationRuntimeStatus.Running,
        IReadOnlyList<HistoryEvent>? events = null,
        IReadOnlyList<OrchestrationMessage>? messages = null,
        IReadOnlyList<ActivityMessage>? activities = null,
        bool replaceHistory = false,
        string? output = null)
        => new(
            item.Instance! with { Status = status, ExecutionId = "exec-1", Output = output, LastUpdatedAt = Time.GetUtcNow() },
            events ?? [],
            replaceHistory,
            messages ?? [],
            activities ?? []);

    /// <summary>Locks the next orchestration work item, failing when there is none.</summary>
    protected static async Task<OrchestrationWorkItem> LockAsync(IDurableStore store, int maxMessages = 100)
        => await store.TryLockOrchestrationAsync(Lease, maxMessages, Ct) ?? throw new Xunit.Sdk.XunitException("Expected an orchestration work item.");

    /// <summary>Locks the next activity work item, failing when there is none.</summary>
    protected static async Task<ActivityWorkItem> LockActivityAsync(IDurableStore store)
        => await store.TryLockActivityAsync(Lease, Ct) ?? throw new Xunit.Sdk.XunitException("Expected an activity work item.");

    /// <summary>Runs the first episode of a new instance, ending with <paramref name="status"/>.</summary>
    protected async Task RunToAsync(IDurableStore store, string instanceId, OrchestrationRuntimeStatus status, params HistoryEvent[] events)
    {
        await CreateAsync(store, instanceId);
        var item = await LockAsync(store);
        Assert.Equal(instanceId, item.InstanceId);
        await store.CompleteOrchestrationAsync(item, Commit(item, status, events), Ct);
    }

    [Fact]
    public async Task CreateInstance_New_IsPendingWithPayloads()
    {
        await using var store = await CreateSutAsync();

        await CreateAsync(store, "a", "\"hello\"");

        var head = await store.GetInstanceAsync("a", includePayloads: true, Ct);
        Assert.NotNull(head);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, head.Status);
        Assert.Equal(OrchestratorName, head.Name);
        Assert.Equal("\"hello\"", head.Input);
        Assert.Equal(Start, head.CreatedAt);
        Assert.NotNull(head.Version);
        var withoutPayloads = await store.GetInstanceAsync("a", includePayloads: false, Ct);
        Assert.NotNull(withoutPayloads);
        Assert.Null(withoutPayloads.Input);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, withoutPayloads.Status);
    }

    [Fact]
    public async Task CreateInstance_WithTags_KeepsThemThroughCommitsWithOrWithoutPayloads()
    {
        await using var store = await CreateSutAsync();
        var tags = new Dictionary<string, string> { ["team"] = "payments", ["ticket"] = "OPS-42" };
        await store.CreateInstanceAsync(NewInstance("a", "\"input\"") with { Tags = tags }, StartMessage("a", "\"input\""), Ct);

        var item = await LockAsync(store);
        await store.CompleteOrchestrationAsync(item, Commit(item, OrchestrationRuntimeStatus.Running), Ct);

        Assert.Equal(tags, (await store.GetInstanceAsync("a", includePayloads: true, Ct))!.Tags);
        Assert.Equal(tags, (await store.GetInstanceAsync("a", includePayloads: false, Ct))!.Tags);
        Assert.Equal(tags, Assert.Single((await store.QueryInstancesAsync(new InstanceFilter(), Ct)).Instances).Tags);
        await CreateAsync(store, "b");
        Assert.Null((await store.GetInstanceAsync("b", includePayloads: true, Ct))!.Tags);
    }

    [Fact]
    public async Task GetInstance_UnknownId_ReturnsNull()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");

        Assert.Null(await store.GetInstanceAsync("b", includePayloads: true, Ct));
    }

    [Fact]
    public async Task CreateInstance_WhileActive_ThrowsInstanceAlreadyExists()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");

        var pending = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateAsync(store, "a"));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending.Status);

        var item = await LockAsync(store);
        await store.CompleteOrchestrationAsync(item, Commit(item, OrchestrationRuntimeStatus.Running), Ct);
        var running = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateAsync(store, "a", "\"second\""));
        Assert.Equal(OrchestrationRuntimeStatus.Running, running.Status);
        Assert.Equal("\"input\"", (await store.GetInstanceAsync("a", includePayloads: true, Ct))!.Input);
    }

    [Fact]
    public async Task CreateInstance_AfterEnded_ReplacesInstanceAndClearsHistoryAndMessages()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a", "\"first\"");
        var item = await LockAsync(store);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, await store.SendMessageAsync(EventMessage("a", "late"), Ct));
        await store.CompleteOrchestrationAsync(
            item,
            Commit(item, OrchestrationRuntimeStatus.Completed, [Scheduled(1), Scheduled(2)], activities: [Activity("a", 1)]),
            Ct);

        await CreateAsync(store, "a", "\"second\"");

        var head = await store.GetInstanceAsync("a", includePayloads: true, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, head!.Status);
        Assert.Equal("\"second\"", head.Input);
        Assert.Null(head.Output);
        Assert.Empty(await store.ReadHistoryAsync("a", Ct));
        Assert.Null(await store.TryLockActivityAsync(Lease, Ct));
        var next = await LockAsync(store);
        var message = Assert.Single(next.Messages);
        Assert.Equal("\"second\"", Assert.IsType<ExecutionStarted>(message.Message.Event).Input);
    }

    [Fact]
    public async Task CreateInstance_StartInFuture_NotLockableUntilDue()
    {
        await using var store = await CreateSutAsync();
        await store.CreateInstanceAsync(NewInstance("a"), StartMessage("a", visibleAt: Start.AddMinutes(10)), Ct);

        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromTicks(1));

        var item = await LockAsync(store);
        Assert.Equal("a", item.InstanceId);
    }

    [Fact]
    public async Task TryLockOrchestration_SeveralMessages_ReturnsAllInEnqueueOrderAndLocksInstanceOnce()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        await store.SendMessageAsync(EventMessage("a", "first"), Ct);
        await store.SendMessageAsync(EventMessage("a", "second"), Ct);
        await CreateAsync(store, "b");

        var item = await LockAsync(store);

        Assert.Equal("a", item.InstanceId);
        Assert.Equal(3, item.Messages.Count);
        Assert.IsType<ExecutionStarted>(item.Messages[0].Message.Event);
        Assert.Equal("first", Assert.IsType<EventRaised>(item.Messages[1].Message.Event).Name);
        Assert.Equal("second", Assert.IsType<EventRaised>(item.Messages[2].Message.Event).Name);
        Assert.All(item.Messages, m => Assert.Equal(1, m.DequeueCount));
        Assert.Equal(3, item.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal("\"input\"", item.Instance!.Input);
        var other = await LockAsync(store);
        Assert.Equal("b", other.InstanceId);
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task TryLockOrchestration_MaxMessages_TakesTheOldest()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        await store.SendMessageAsync(EventMessage("a", "first"), Ct);
        await store.SendMessageAsync(EventMessage("a", "second"), Ct);

        var item = await LockAsync(store, maxMessages: 2);

        Assert.Equal(2, item.Messages.Count);
        Assert.IsType<ExecutionStarted>(item.Messages[0].Message.Event);
        Assert.Equal("first", Assert.IsType<EventRaised>(item.Messages[1].Message.Event).Name);
        await store.CompleteOrchestrationAsync(item, Commit(item), Ct);
        var rest = await LockAsync(store);
        Assert.Equal("second", Assert.IsType<EventRaised>(Assert.Single(rest.Messages).Message.Event).Name);
    }

    [Fact]
    public async Task TryLockOrchestration_LeaseExpired_LockableAgainWithDequeueCountTwo()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var first = await LockAsync(store);

        Time.Advance(Lease - TimeSpan.FromTicks(1));
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        Time.Advance(TimeSpan.FromTicks(1));
        var second = await LockAsync(store);

        Assert.Equal("a", second.InstanceId);
        Assert.NotEqual(first.LockToken, second.LockToken);
        Assert.Equal(2, Assert.Single(second.Messages).DequeueCount);
    }

    [Fact]
    public async Task TryLockOrchestration_NothingQueued_ReturnsNull()
    {
        await using var store = await CreateSutAsync();

        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }
}
