using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite.Tests;

/// <summary>
/// A hub written by the engine before it ran the official Microsoft.DurableTask types (Golden/README.md says what it
/// holds) opens with the current engine: finished instances read back, and the waiting one replays its recorded
/// history with the same orchestrator written against the official types.
/// </summary>
public sealed class GoldenHubTests : IAsyncDisposable
{
    private const string GoldenFile = "hub-v54331a3.db";

    // The hub was written at 2026-01-05T08:00Z; its waiting instance's one-day timer is due at 2026-01-06T08:00Z.
    private static readonly DateTimeOffset WrittenAt = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset TimerDue = WrittenAt.AddDays(1);

    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-golden-").FullName;
    private readonly FakeTimeProvider _time = new(WrittenAt.AddHours(1));
    private IHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GoldenFile_AloneHoldsTheWholeHub()
    {
        // Only the main file is copied: whatever a write-ahead log held would be missing here.
        var copy = CopyGolden();
        await using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);

        Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check;"));
        Assert.Equal(4L, await ScalarAsync(connection, "SELECT COUNT(*) FROM Instances;"));
        Assert.Equal(27L, await ScalarAsync(connection, "SELECT COUNT(*) FROM History;"));
        Assert.Equal(27L, await ScalarAsync(connection, "SELECT SUM(HistoryCount) FROM Instances;"));
        Assert.Equal("golden-waiting", await ScalarAsync(connection, "SELECT InstanceId FROM OrchestrationMessages;"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM ActivityMessages;"));
    }

    [Fact]
    public async Task FinishedInstances_ReadBackThroughTheOfficialMetadata()
    {
        var client = await StartAsync();

        var completed = await GetAsync(client, "golden-completed");
        Assert.Equal(nameof(GoldenCompleted), completed.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Equal(WrittenAt, completed.CreatedAt);
        Assert.Equal("golden", completed.ReadInputAs<string>());
        var summary = completed.ReadOutputAs<GoldenSummary>();
        Assert.NotNull(summary);
        Assert.Equal(("golden", "Hello, golden!", 42), (summary.Name, summary.Greeting, summary.Answer));
        Assert.Equal(["alpha", "beta"], summary.Tags);
        Assert.Null(completed.FailureDetails);

        var child = await GetAsync(client, "golden-child");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(42, child.ReadOutputAs<int>());

        var failed = await GetAsync(client, "golden-failed");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Null(failed.SerializedOutput);
        var failure = failed.FailureDetails;
        Assert.NotNull(failure);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Equal("Task 'Explode' (#0) failed with an unhandled exception: boom: golden", failure.ErrorMessage);
        Assert.Contains("GoldenFailed.RunAsync", failure.StackTrace, StringComparison.Ordinal);
        Assert.Null(failure.Properties);

        // The record names the engine's old OpsFunctions.Durable.TaskFailedException, which is gone: it reads as the
        // official type, so the official IsCausedBy still recognizes it.
        Assert.True(failure.IsCausedBy<Exception>());
        Assert.True(failure.IsCausedBy<TaskFailedException>());

        var inner = failure.InnerFailure;
        Assert.NotNull(inner);
        Assert.Equal(typeof(InvalidOperationException).FullName, inner.ErrorType);
        Assert.Equal("boom: golden", inner.ErrorMessage);
        Assert.Contains("Explode.RunAsync", inner.StackTrace, StringComparison.Ordinal);
        Assert.Null(inner.InnerFailure);
        Assert.True(inner.IsCausedBy<InvalidOperationException>());
        Assert.True(inner.IsCausedBy<Exception>());

        var waiting = await GetAsync(client, "golden-waiting");
        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Equal(new GoldenProgress("waiting for go", 42), waiting.ReadCustomStatusAs<GoldenProgress>());

        var all = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = false }))
        {
            all.Add(instance.InstanceId);
        }

        Assert.Equal(["golden-child", "golden-completed", "golden-failed", "golden-waiting"], all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WaitingInstance_RaiseGo_ReplaysTheRecordedHistoryAndCompletes()
    {
        var client = await StartAsync();

        await client.RaiseEventAsync("golden-waiting", "go", "now", Ct);
        var result = await client.WaitForInstanceCompletionAsync("golden-waiting", getInputsAndOutputs: true, Ct);

        // Greeting, child output and the caught failure come only from the recorded history; a replay that disagreed
        // with it would fail the instance with a non-determinism error.
        Assert.Null(result.FailureDetails);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(
            "Hello, golden! child=42 caught=Explode#2 System.InvalidOperationException: boom: caught causedBy=True go=now",
            result.ReadOutputAs<string>());

        // The recorded events stay as they were; the new episode follows them.
        var history = await _host!.Services.GetRequiredService<IDurableStore>().ReadHistoryAsync("golden-waiting", Ct);
        Assert.IsType<OrchestratorStarted>(history[12]);
        var caught = Assert.IsType<TaskFailed>(history[10]);
        Assert.Equal(2, caught.TaskScheduledId);
        Assert.Equal(typeof(InvalidOperationException).FullName, caught.Failure.ErrorType);
        Assert.Equal(TimerDue, Assert.IsType<TimerCreated>(history[11]).FireAt);
        Assert.Equal("go", Assert.Single(history.OfType<EventRaised>()).Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.IsType<ExecutionCompleted>(history[^1]).Status);

        // The old hub takes new work too.
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(GoldenCompleted), "again", cancellation: Ct);
        var again = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, again.RuntimeStatus);
        Assert.Equal("Hello, again!", again.ReadOutputAs<GoldenSummary>()?.Greeting);
    }

    [Fact]
    public async Task WaitingInstance_RecordedTimerFires_ReplaysTheRecordedHistoryAndTimesOut()
    {
        var client = await StartAsync();

        _time.Advance(TimerDue - _time.GetUtcNow());
        var result = await client.WaitForInstanceCompletionAsync("golden-waiting", getInputsAndOutputs: true, Ct);

        Assert.Null(result.FailureDetails);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(
            "Hello, golden! child=42 caught=Explode#2 System.InvalidOperationException: boom: caught causedBy=True go=timed out",
            result.ReadOutputAs<string>());
        var history = await _host!.Services.GetRequiredService<IDurableStore>().ReadHistoryAsync("golden-waiting", Ct);
        Assert.Equal(3, Assert.Single(history.OfType<TimerFired>()).TimerId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    /// <summary>Copies the golden database, and nothing beside it, into this test's directory.</summary>
    private string CopyGolden()
    {
        var copy = Path.Combine(_directory, GoldenFile);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Golden", GoldenFile), copy);
        return copy;
    }

    private static async Task<OrchestrationMetadata> GetAsync(DurableTaskClient client, string instanceId)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, Ct);
        Assert.NotNull(metadata);
        return metadata;
    }

    /// <summary>Opens a copy of the golden hub with the current engine and the orchestrators rewritten on the official types.</summary>
    private async Task<DurableTaskClient> StartAsync()
    {
        var copy = CopyGolden();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services
            .AddDurableTask()
            .AddTasks(tasks => tasks
                .AddOrchestrator<GoldenWaiter>()
                .AddOrchestrator<GoldenChild>()
                .AddOrchestrator<GoldenCompleted>()
                .AddOrchestrator<GoldenFailed>()
                .AddActivity<Greet>()
                .AddActivity<Explode>())
            .UseSqlite($"Data Source={copy}");
        _host = builder.Build();
        await _host.StartAsync(Ct);
        return _host.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>The output of <see cref="GoldenCompleted"/>.</summary>
    public sealed record GoldenSummary(string Name, string Greeting, int Answer, IReadOnlyList<string> Tags);

    /// <summary>The custom status of <see cref="GoldenWaiter"/> while it waits.</summary>
    public sealed record GoldenProgress(string Stage, int Child);

    /// <summary>
    /// The waiting orchestrator: schedules the same tasks in the same order as the one that wrote the hub, and says
    /// what it read from the replayed history.
    /// </summary>
    public sealed class GoldenWaiter : TaskOrchestrator<string, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
        {
            var greeting = await context.CallActivityAsync<string>(nameof(Greet), input);
            var child = await context.CallSubOrchestratorAsync<int>(nameof(GoldenChild), 20, new SubOrchestrationOptions(instanceId: "golden-child"));
            string caught;
            try
            {
                await context.CallActivityAsync<string>(nameof(Explode), "caught");
                caught = "nothing";
            }
            catch (TaskFailedException failure)
            {
                caught = $"{failure.TaskName}#{failure.TaskId} {failure.FailureDetails.ErrorType}: {failure.FailureDetails.ErrorMessage} " +
                    $"causedBy={failure.FailureDetails.IsCausedBy<InvalidOperationException>()}";
            }

            context.SetCustomStatus(new GoldenProgress("waiting for go", child));
            string go;
            try
            {
                go = await context.WaitForExternalEvent<string>("go", TimeSpan.FromDays(1));
            }
            catch (OperationCanceledException)
            {
                go = "timed out";
            }

            return $"{greeting} child={child} caught={caught} go={go}";
        }
    }

    /// <summary>The sub-orchestration: doubles its input and adds two.</summary>
    public sealed class GoldenChild : TaskOrchestrator<int, int>
    {
        public override Task<int> RunAsync(TaskOrchestrationContext context, int input) => Task.FromResult((input * 2) + 2);
    }

    /// <summary>Completes with a structured output.</summary>
    public sealed class GoldenCompleted : TaskOrchestrator<string, GoldenSummary>
    {
        public override async Task<GoldenSummary> RunAsync(TaskOrchestrationContext context, string input)
        {
            var greeting = await context.CallActivityAsync<string>(nameof(Greet), input);
            return new GoldenSummary(input, greeting, 42, ["alpha", "beta"]);
        }
    }

    /// <summary>Fails: the activity's failure escapes.</summary>
    public sealed class GoldenFailed : TaskOrchestrator<string, string>
    {
        public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
            => context.CallActivityAsync<string>(nameof(Explode), input);
    }

    /// <summary>Greets.</summary>
    public sealed class Greet : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello, {input}!");
    }

    /// <summary>Always throws <see cref="InvalidOperationException"/>.</summary>
    public sealed class Explode : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input)
            => throw new InvalidOperationException($"boom: {input}");
    }
}
