using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite.Tests;

/// <summary>
/// What the conformance suite cannot see: the file, and several processes sharing it.
/// </summary>
public sealed class SqliteDurableStoreTests : IAsyncDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Commits_ManyWithAutomaticCheckpointOff_BackgroundCheckpointCopiesLogIntoDatabase()
    {
        var store = await _database.OpenAsync(_time);
        var file = new FileInfo(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_database.ConnectionString).DataSource);
        file.Refresh();
        var sizeBefore = file.Length;

        // Only the background checkpointer copies pages into the main file: the automatic one is off.
        for (var i = 0; i < 200; i++)
        {
            await CreateAsync(store, $"instance-{i}");
        }

        await Eventually.HappensAsync(
            () =>
            {
                file.Refresh();
                return file.Length > sizeBefore;
            },
            $"a checkpoint to grow the database file beyond {sizeBefore} bytes");
    }

    [Fact]
    public async Task Reopen_SameFile_KeepsInstancesHistoryAndQueues()
    {
        var first = await _database.OpenAsync(_time, durableCommits: true);
        await CreateAsync(first, "a");
        var item = await first.TryLockOrchestrationAsync(Lease, 100, Ct);
        await first.CompleteOrchestrationAsync(
            item!,
            new OrchestrationCommit(
                item!.Instance! with { Status = OrchestrationRuntimeStatus.Running, CustomStatus = "\"step 1\"" },
                [new TaskScheduled(1, "Act", null) { Timestamp = _time.GetUtcNow() }],
                false,
                [],
                [new ActivityMessage("a", "exec-1", 1, "Act", null)]),
            Ct);
        await first.DisposeAsync();

        var second = await _database.OpenAsync(_time);

        var head = await second.GetInstanceAsync("a", includePayloads: true, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Running, head!.Status);
        Assert.Equal("\"step 1\"", head.CustomStatus);
        Assert.Equal(1, Assert.IsType<TaskScheduled>(Assert.Single(await second.ReadHistoryAsync("a", Ct))).TaskId);
        Assert.Equal("Act", (await second.TryLockActivityAsync(Lease, Ct))!.Message.Name);
    }

    [Fact]
    public async Task TryLockOrchestration_TwoStoresOnOneFile_NeverLockTheSameInstance()
    {
        var one = await _database.OpenAsync(_time);
        var two = await _database.OpenAsync(_time);
        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            await CreateAsync(i % 2 == 0 ? one : two, $"i{i}");
        }

        var locked = new ConcurrentBag<(int Store, string InstanceId)>();
        async Task Drain(IDurableStore store, int number)
        {
            while (await store.TryLockOrchestrationAsync(Lease, 100, Ct) is { } item)
            {
                locked.Add((number, item.InstanceId));
            }
        }

        await Task.WhenAll(Task.Run(() => Drain(one, 1), Ct), Task.Run(() => Drain(two, 2), Ct));

        Assert.Equal(count, locked.Count);
        Assert.Equal(count, locked.Select(l => l.InstanceId).Distinct().Count());
    }

    [Fact]
    public async Task TryLockActivity_TwoStoresOnOneFile_NeverLockTheSameMessage()
    {
        var one = await _database.OpenAsync(_time);
        var two = await _database.OpenAsync(_time);
        const int count = 40;
        await CreateAsync(one, "a");
        var item = await one.TryLockOrchestrationAsync(Lease, 100, Ct);
        var activities = Enumerable.Range(0, count).Select(i => new ActivityMessage("a", "exec-1", i, "Act", null)).ToArray();
        await one.CompleteOrchestrationAsync(item!, new OrchestrationCommit(item!.Instance!, [], false, [], activities), Ct);

        var locked = new ConcurrentBag<ActivityWorkItem>();
        async Task Drain(IDurableStore store)
        {
            while (await store.TryLockActivityAsync(Lease, Ct) is { } activity)
            {
                locked.Add(activity);
            }
        }

        await Task.WhenAll(Task.Run(() => Drain(one), Ct), Task.Run(() => Drain(two), Ct));

        Assert.Equal(count, locked.Count);
        Assert.Equal(count, locked.Select(l => l.MessageId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, count), locked.Select(l => l.Message.TaskId).Order());
    }

    [Fact]
    public async Task Store_InMemoryDatabase_Works()
    {
        await using var store = new SqliteDurableStore(
            new SqliteStoreOptions { ConnectionString = "Data Source=:memory:" }, _time, NullLogger<SqliteDurableStore>.Instance);
        await store.InitializeAsync(Ct);

        await CreateAsync(store, "a");

        Assert.NotNull(await store.GetInstanceAsync("a", includePayloads: false, Ct));
        Assert.Single((await store.QueryInstancesAsync(new InstanceFilter(), Ct)).Instances);
        Assert.Equal("a", (await store.TryLockOrchestrationAsync(Lease, 100, Ct))!.InstanceId);
    }

    [Fact]
    public async Task Store_NotInitialized_ThrowsInvalidOperation()
    {
        await using var store = new SqliteDurableStore(
            new SqliteStoreOptions { ConnectionString = _database.ConnectionString }, _time, NullLogger<SqliteDurableStore>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.TryLockActivityAsync(Lease, Ct));
    }

    [Fact]
    public async Task UseSqlite_Registered_CreatesTheStoreWithTheDiClock()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddDurableTask().UseSqlite(_database.ConnectionString, o => o.DurableCommits = true);
        var factory = Assert.Single(services, d => d.ServiceType == typeof(IDurableStore)).ImplementationFactory!;

        await using var store = Assert.IsType<SqliteDurableStore>(factory(new SingleServiceProvider(_time)));
        await store.InitializeAsync(Ct);
        await store.CreateInstanceAsync(
            new InstanceRecord("a", "Orchestrator"),
            new OrchestrationMessage("a", null, new ExecutionStarted("Orchestrator", "exec-1", null) { Timestamp = _time.GetUtcNow() })
            {
                VisibleAt = _time.GetUtcNow().AddSeconds(10),
            },
            Ct);

        // On the wall clock the start would long be due; on the registered fake clock it is not yet.
        Assert.Null(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
    }

    [Fact]
    public async Task GetQueueStatisticsAsync_DueAndFutureMessages_CountsEachKind()
    {
        var store = await _database.OpenAsync(_time);
        await CreateAsync(store, "now");
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

    [Fact]
    public async Task NextDueQuery_ManyFutureMessages_ReadsOnlyTheVisibleAtIndex()
    {
        await _database.OpenAsync(_time);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteDurableStore.NextDueOrchestrationSql;
        command.Parameters.AddWithValue("@now", _time.GetUtcNow().UtcTicks);

        var plan = new List<string>();
        using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(3));
            }
        }

        // A scan here would read every queued timer on each idle poll of every worker.
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        Assert.Equal(2, plan.Count(step => step.Contains("IX_OrchestrationMessages_VisibleAt", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WaitForWorkAsync_LockedDueMessageAmongFutureOnes_WakesAtTheLockExpiry()
    {
        var store = await _database.OpenAsync(_time);
        await CreateAsync(store, "locked");
        for (var i = 0; i < 50; i++)
        {
            await CreateAsync(store, $"later-{i}", _time.GetUtcNow().AddHours(1));
        }

        Assert.NotNull(await store.TryLockOrchestrationAsync(Lease, 100, Ct));
        await store.SendMessageAsync(new OrchestrationMessage("locked", null, new EventRaised("e1", "Go", null) { Timestamp = _time.GetUtcNow() }), Ct);

        // The send itself wakes one wait at once; the wait after it has only the lock and the future messages to go by.
        await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.FromHours(2), Ct).WaitAsync(Eventually.Patience, Ct);
        var waiting = store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.FromHours(2), Ct);
        _time.Advance(Lease - TimeSpan.FromSeconds(1));
        var early = waiting.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(Eventually.Patience, Ct);

        Assert.False(early);
    }

    private Task CreateAsync(IDurableStore store, string instanceId, DateTimeOffset? visibleAt = null) => store.CreateInstanceAsync(
        new InstanceRecord(instanceId, "Orchestrator") { CreatedAt = _time.GetUtcNow(), LastUpdatedAt = _time.GetUtcNow() },
        new OrchestrationMessage(instanceId, null, new ExecutionStarted("Orchestrator", "exec-1", null) { Timestamp = _time.GetUtcNow() }) { VisibleAt = visibleAt },
        Ct);

    private sealed class SingleServiceProvider(TimeProvider timeProvider) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TimeProvider) ? timeProvider : null;
    }
}
