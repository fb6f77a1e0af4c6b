using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Sqlite;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// Kills a worker process with SIGKILL in the middle of 200 orchestrations, restarts it on the same
/// database, and checks that every instance completes correctly with no event recorded twice.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Instances = 200;
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-crash-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_KilledMidRun_RestartCompletesEveryInstanceOnce()
    {
        var database = Path.Combine(_directory, "crash.db");
        await using var store = new SqliteDurableStore(
            new SqliteStoreOptions { ConnectionString = $"Data Source={database}" }, TimeProvider.System, NullLogger<SqliteDurableStore>.Instance);
        await store.InitializeAsync(Cancellation);

        using (var first = StartWorker(database, "start"))
        {
            // Kill only once every instance exists, so the restart has all 200 to finish.
            var scheduled = await first.StandardOutput.ReadLineAsync(Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancellation);
            Assert.Equal($"scheduled {Instances}", scheduled);
            await WaitUntilAsync(async () => await CountCompletedAsync(store) >= 10, TimeSpan.FromSeconds(60));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Cancellation);
        }

        var completedAtKill = await CountCompletedAsync(store);
        Assert.InRange(completedAtKill, 10, Instances - 1);

        using (var second = StartWorker(database))
        {
            var exited = second.WaitForExitAsync(Cancellation);
            await exited.WaitAsync(TimeSpan.FromMinutes(3), Cancellation);
            Assert.True(second.ExitCode == 0, $"the restarted worker exited with {second.ExitCode}: {await second.StandardError.ReadToEndAsync(Cancellation)}");
        }

        for (var i = 0; i < Instances; i++)
        {
            var id = $"crash-{i:D4}";
            var instance = await store.GetInstanceAsync(id, includePayloads: true, Cancellation);
            Assert.NotNull(instance);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.Status);
            Assert.Equal(Pipeline.Expected(i).ToString(System.Globalization.CultureInfo.InvariantCulture), instance.Output);
            AssertNoDuplicates(id, await store.ReadHistoryAsync(id, Cancellation));
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void AssertNoDuplicates(string id, IReadOnlyList<HistoryEvent> history)
    {
        Assert.Single(history.OfType<ExecutionStarted>());
        Assert.Single(history.OfType<ExecutionCompleted>());
        var scheduled = history.OfType<TaskScheduled>().Select(e => e.TaskId).ToList();
        var completed = history.OfType<TaskCompleted>().Select(e => e.TaskScheduledId).ToList();
        Assert.True(scheduled.Count == scheduled.Distinct().Count(), $"{id}: a task was scheduled twice");
        Assert.True(completed.Count == completed.Distinct().Count(), $"{id}: a task completion was recorded twice");
        Assert.Equal(10, scheduled.Count);
        Assert.Equal(scheduled.Order(), completed.Order());
    }

    private static async Task<int> CountCompletedAsync(IDurableStore store)
    {
        var page = await store.QueryInstancesAsync(
            new InstanceFilter { Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = Instances + 1 }, Cancellation);
        return page.Instances.Count;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(started.Elapsed < timeout, "the worker made no progress in time");
            await Task.Delay(TimeSpan.FromMilliseconds(5), Cancellation);
        }
    }

    private static Process StartWorker(string database, string? mode = null)
    {
        var configuration = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var worker = Path.GetFullPath(Path.Combine(
            AppContext.BaseDirectory, "..", "..", "OpsFunctions.Durable.CrashWorker", configuration, "OpsFunctions.Durable.CrashWorker.dll"));
        Assert.True(File.Exists(worker), $"crash worker not built at {worker}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(worker);
        start.ArgumentList.Add(database);
        start.ArgumentList.Add(Instances.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (mode is not null)
        {
            start.ArgumentList.Add(mode);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the crash worker");
    }
}
