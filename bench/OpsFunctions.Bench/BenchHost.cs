using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Bench;

/// <summary>An engine host on a fresh task hub of the chosen store, deleted afterwards.</summary>
internal sealed class BenchHost : IBenchEngine
{
    private readonly IHost _host;
    private readonly string _directory;

    private BenchHost(IHost host, string directory)
    {
        _host = host;
        _directory = directory;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    /// <summary>Gets the requests sent to a storage account so far (tables, queues, blobs), or null for an embedded store.</summary>
    public (long Tables, long Queues, long Blobs)? StorageRequests
        => _host.Services.GetRequiredService<IDurableStore>() is AzureDurableStore azure
            ? (azure.Requests.Tables, azure.Requests.Queues, azure.Requests.Blobs)
            : null;

    public Task<string> ScheduleAsync(string orchestratorName, object? input)
        => Client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input);

    public async Task<BenchCompletion> WaitForCompletionAsync(string instanceId, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        OrchestrationMetadata result;
        try
        {
            result = await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"instance {instanceId} had not ended after {timeout}");
        }

        return new BenchCompletion(instanceId, result.RuntimeStatus.ToString(), result.SerializedOutput, result.FailureDetails?.ToString());
    }

    public static async Task<BenchHost> StartAsync(BenchOptions options, Action<DurableTaskRegistry> tasks)
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-bench-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var engine = builder.Services.AddDurableTask(o =>
        {
            if (options.NoCache)
            {
                o.MaxCachedOrchestrations = 0;
            }
        }).AddTasks(tasks);
        switch (options.Store)
        {
            case "sqlite":
                engine.UseSqlite($"Data Source={Path.Combine(directory, "bench.db")}");
                break;
            case "azurite":
                // A fresh hub per run; scripts/azurite.sh starts Azurite unless it already runs.
                var connectionString = await Azurite.EnsureStartedAsync().ConfigureAwait(false);
                engine.Services.Configure<DurableTaskOptions>(o => o.HubName = "bench" + Guid.NewGuid().ToString("N")[..10]);
                engine.UseAzureStorage(connectionString);
                break;
            default:
                throw new ArgumentException($"unknown store '{options.Store}'; this build knows: sqlite, azurite. {BenchOptions.Usage}");
        }

        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new BenchHost(host, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        if (_host.Services.GetRequiredService<IDurableStore>() is AzureDurableStore azure)
        {
            await azure.DeleteTaskHubAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _host.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
