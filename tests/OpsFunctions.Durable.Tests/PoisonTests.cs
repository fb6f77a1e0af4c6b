using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Sqlite;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.Worker;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// Messages taken more often than <see cref="DurableTaskOptions.MaxDequeueCount"/> fail the waiting task or
/// the instance instead of looping forever.
/// </summary>
public sealed class PoisonTests : IAsyncDisposable
{
    private const int MaxDequeueCount = 3;
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-poison-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private SqliteDurableStore? _store;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ActivityProcessor_MessageTakenTooOften_FailsTaskWithoutRunningActivity()
    {
        var store = await CreateStoreAsync();
        var ran = false;
        var registry = new DurableTaskRegistry().AddActivityFunc<string, string>("Crashes", (_, _) =>
        {
            ran = true;
            return "ran";
        });
        await ScheduleActivityAsync(store, "Crashes");

        // Each lock whose lease runs out stands for a worker that died while running the activity.
        for (var i = 0; i < MaxDequeueCount; i++)
        {
            Assert.NotNull(await store.TryLockActivityAsync(TimeSpan.FromSeconds(1), Cancellation));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        var poisoned = await store.TryLockActivityAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(MaxDequeueCount + 1, poisoned!.DequeueCount);
        await CreateActivityProcessor(store, registry).ProcessAsync(poisoned, Cancellation);

        Assert.False(ran);
        var response = await store.TryLockOrchestrationAsync(TimeSpan.FromSeconds(30), 10, Cancellation);
        var failed = Assert.IsType<TaskFailed>(Assert.Single(response!.Messages).Message.Event);
        Assert.Equal("PoisonMessage", failed.Failure.ErrorType);
        Assert.Contains("Crashes", failed.Failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void EpisodePlanner_MessagesTakenTooOften_FailsRunningInstance()
    {
        var session = new OrchestrationSession("i");
        session.History.Add(new OrchestratorStarted { Timestamp = Start });
        session.History.Add(new ExecutionStarted("Flow", "e1", null) { Timestamp = Start });
        session.History.Add(new TaskScheduled(0, "Step", null) { Timestamp = Start });
        var planner = new EpisodePlanner((_, _) => throw new InvalidOperationException("a poisoned episode must not run code"), MaxDequeueCount);
        var message = new OrchestrationMessage("i", "e1", new TaskCompleted(0, "1") { Timestamp = Start });

        var commit = planner.Plan(
            session,
            new InstanceRecord("i", "Flow") { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "e1" },
            [new QueuedMessage("1", message, MaxDequeueCount + 1)],
            Start);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, commit.Instance.Status);
        Assert.Equal("PoisonMessage", commit.Instance.Failure?.ErrorType);
        Assert.IsType<ExecutionCompleted>(commit.NewEvents[^1]);
    }

    [Fact]
    public void EpisodePlanner_StartOfTheEndedExecutionDeliveredAgain_IsDroppedNotRunAgain()
    {
        var session = new OrchestrationSession("i");
        session.History.Add(new OrchestratorStarted { Timestamp = Start });
        session.History.Add(new ExecutionStarted("Flow", "e1", null) { Timestamp = Start });
        session.History.Add(new ExecutionCompleted(OrchestrationRuntimeStatus.Completed, "1", null) { Timestamp = Start });
        var planner = new EpisodePlanner((_, _) => throw new InvalidOperationException("a duplicate start must not run code"), MaxDequeueCount);
        var duplicate = new OrchestrationMessage("i", null, new ExecutionStarted("Flow", "e1", null) { Timestamp = Start });

        var commit = planner.Plan(
            session,
            new InstanceRecord("i", "Flow") { Status = OrchestrationRuntimeStatus.Completed, ExecutionId = "e1", Output = "1" },
            [new QueuedMessage("1", duplicate, 1)],
            Start);

        Assert.Empty(commit.NewEvents);
        Assert.False(commit.ReplaceHistory);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, commit.Instance.Status);
        Assert.Equal("1", commit.Instance.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteDurableStore> CreateStoreAsync()
    {
        _store = new SqliteDurableStore(
            new SqliteStoreOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "hub.db")}" }, _time, NullLogger<SqliteDurableStore>.Instance);
        await _store.InitializeAsync(Cancellation);
        return _store;
    }

    private async Task ScheduleActivityAsync(IDurableStore store, string activity)
    {
        var now = _time.GetUtcNow();
        await store.CreateInstanceAsync(
            new InstanceRecord("i", "Flow") { CreatedAt = now, LastUpdatedAt = now },
            new OrchestrationMessage("i", "e1", new ExecutionStarted("Flow", "e1", null) { Timestamp = now }),
            Cancellation);
        var start = await store.TryLockOrchestrationAsync(TimeSpan.FromSeconds(30), 10, Cancellation);
        await store.CompleteOrchestrationAsync(
            start!,
            new OrchestrationCommit(
                start!.Instance! with { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "e1" },
                [new TaskScheduled(0, activity, null) { Timestamp = now }],
                ReplaceHistory: false,
                [],
                [new ActivityMessage("i", "e1", 0, activity, null)]),
            Cancellation);
    }

    private ActivityProcessor CreateActivityProcessor(IDurableStore store, DurableTaskRegistry registry)
        => new(
            store,
            new RegistryFactory(registry),
            new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            JsonDataConverter.Default,
            _time,
            Options.Create(new DurableTaskOptions { MaxDequeueCount = MaxDequeueCount }),
            new Diagnostics.DurableMetrics(null),
            NullLogger<ActivityProcessor>.Instance);

    /// <summary>The official worker builds its factory from the registry internally; this one does the same for activities.</summary>
    private sealed class RegistryFactory(DurableTaskRegistry registry) : Microsoft.DurableTask.Worker.IDurableTaskFactory
    {
        public bool TryCreateActivity(TaskName name, IServiceProvider serviceProvider, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ITaskActivity? activity)
        {
            activity = registry.GetActivities().Where(entry => entry.Key == name).Select(entry => entry.Value(serviceProvider)).FirstOrDefault();
            return activity is not null;
        }

        public bool TryCreateOrchestrator(TaskName name, IServiceProvider serviceProvider, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ITaskOrchestrator? orchestrator)
        {
            orchestrator = null;
            return false;
        }
    }
}
