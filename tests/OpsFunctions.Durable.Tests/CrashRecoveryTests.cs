using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Sqlite;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Storage;

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

        using (var first = CrashWorkerProcess.Start(database, Instances, "start"))
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

        using (var second = CrashWorkerProcess.Start(database, Instances))
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
            HistoryAssert.EachEventOnce(id, await store.ReadHistoryAsync(id, Cancellation), Pipeline.ActivityCount);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
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
}
