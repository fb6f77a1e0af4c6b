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

        using (var first = CrashWorkerProcess.Start(database, Instances, "start", "--crash"))
        {
            // The worker kills itself (its --crash option), mid-run however fast or slow the machine is.
            await first.WaitForExitAsync(Cancellation).WaitAsync(Eventually.Patience, Cancellation);
            Assert.True(first.ExitCode == 137, $"the first worker should have killed itself (SIGKILL, 137), not exited with {first.ExitCode}: {await first.StandardError.ReadToEndAsync(Cancellation)}");
        }

        Assert.True(await CountCompletedAsync(store) < Instances, "the first worker finished every instance before it crashed");

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
}
