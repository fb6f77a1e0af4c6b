using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFunctions.Testing.Azure;
using OfficialRegistry = Microsoft.DurableTask.DurableTaskRegistry;

namespace OpsFunctions.Bench.Dtfx;

/// <summary>
/// The Durable Task Framework on Azure Storage (Azurite), running the official API's orchestrators and activities through
/// the official shim, on a fresh task hub deleted afterwards: the same workloads as <see cref="BenchHost"/>, another engine.
/// </summary>
/// <remarks>
/// Every framework setting is its default, so the numbers are those a Durable Task Framework user gets out of the box:
/// 4 partitions (control queues), at most 100 orchestration and 10 activity work items at once, extended sessions off,
/// queue polling backing off from 50 ms to 30 s while a queue is empty (sends from this process wake it at once: the
/// client and the worker share one service object, as a Durable Functions host does). The project's engine also defaults
/// to 4 partitions. The official side is default too: <see cref="DurableTaskWorkerOptions"/> with the System.Text.Json
/// converter. The one thing not taken as the framework ships it is the client's wait, which reads the instance when this
/// process has run its orchestrator to the end instead of every 2 seconds (<see cref="CompletionSignals"/> says why).
/// </remarks>
internal sealed class DtfxBenchHost : IBenchEngine
{
    // Before its function returns, an instance is read this seldom: the signal, not the poll, ends a wait.
    private static readonly TimeSpan UnsignaledPoll = TimeSpan.FromSeconds(1);

    // After its function returns, the framework still commits the instance: read again soon, then less often.
    private static readonly TimeSpan FirstPollAfterReturn = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LastPollAfterReturn = TimeSpan.FromMilliseconds(200);

    private readonly BlobContainerClient _appLeaseContainer;
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;
    private readonly CompletionSignals _completions;
    private readonly ServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;

    private DtfxBenchHost(
        BlobContainerClient appLeaseContainer,
        AzureStorageOrchestrationService service, TaskHubWorker worker, TaskHubClient client, CompletionSignals completions, ServiceProvider services, ILoggerFactory loggerFactory)
    {
        _appLeaseContainer = appLeaseContainer;
        _service = service;
        _worker = worker;
        _client = client;
        _completions = completions;
        _services = services;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Gets null: the framework's storage requests are not counted.</summary>
    public (long Tables, long Queues, long Blobs)? StorageRequests => null;

    /// <summary>Creates a fresh task hub on Azurite and starts a worker for the tasks that <paramref name="tasks"/> registers.</summary>
    public static async Task<DtfxBenchHost> StartAsync(Action<OfficialRegistry> tasks)
    {
        var registry = new OfficialRegistry();
        tasks(registry);
        var factory = new RegistryTaskFactory(registry);

        // scripts/azurite.sh starts Azurite unless it already runs.
        var connectionString = await Azurite.EnsureStartedAsync().ConfigureAwait(false);
        var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var hubName = "dtfx" + Guid.NewGuid().ToString("N")[..10];
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            LoggerFactory = loggerFactory,
        };

        // On stderr with the progress: the settings a RESULT line was measured with, as this package version has them.
        await Console.Error.WriteLineAsync(
            $"dtfx: task hub {hubName}, {settings.PartitionCount} partitions, at most {settings.MaxConcurrentTaskOrchestrationWorkItems} orchestration "
            + $"and {settings.MaxConcurrentTaskActivityWorkItems} activity work items at once, extended sessions {(settings.ExtendedSessionsEnabled ? "on" : "off")}, "
            + $"queue polling up to {settings.MaxQueuePollingInterval.TotalSeconds:0.###} s, app lease {(settings.UseAppLease ? "on" : "off")}").ConfigureAwait(false);
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);

        var options = new DurableTaskWorkerOptions();
        var shims = new DurableTaskShimFactory(options, loggerFactory);
        var services = new ServiceCollection().BuildServiceProvider();
        var completions = new CompletionSignals();
        var worker = new TaskHubWorker(service, loggerFactory);
        worker.AddTaskOrchestrations([.. factory.Orchestrators.Select(name => new ShimOrchestrationCreator(name, factory, shims, services, completions))]);
        worker.AddTaskActivities([.. factory.Activities.Select(name => new ShimActivityCreator(name, factory, shims, services))]);
        await worker.StartAsync().ConfigureAwait(false);

        var client = new TaskHubClient(service, new OfficialDataConverter(options.DataConverter), loggerFactory);
        var appLeaseContainer = new BlobContainerClient(connectionString, hubName + "-applease");
        return new DtfxBenchHost(appLeaseContainer, service, worker, client, completions, services, loggerFactory);
    }

    public async Task<string> ScheduleAsync(string orchestratorName, object? input)
    {
        var instanceId = Guid.NewGuid().ToString("N");
        _completions.Listen(instanceId);
        await _client.CreateOrchestrationInstanceAsync(orchestratorName, string.Empty, instanceId, input).ConfigureAwait(false);
        return instanceId;
    }

    public async Task<BenchCompletion> WaitForCompletionAsync(string instanceId, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var returned = _completions.Returned(instanceId);
        var afterReturn = FirstPollAfterReturn;
        try
        {
            while (true)
            {
                var state = await _client.GetOrchestrationStateAsync(instanceId).ConfigureAwait(false);
                if (state?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed
                    or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled)
                {
                    return new BenchCompletion(instanceId, state.OrchestrationStatus.ToString(), state.Output, state.FailureDetails?.ToString());
                }

                var remaining = timeout - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"instance {instanceId} was {state?.OrchestrationStatus.ToString() ?? "not found"} after {timeout}");
                }

                if (returned.IsCompleted)
                {
                    await Task.Delay(Min(afterReturn, remaining)).ConfigureAwait(false);
                    afterReturn = Min(afterReturn * 2, LastPollAfterReturn);
                }
                else
                {
                    await Task.WhenAny(returned, Task.Delay(Min(UnsignaledPoll, remaining))).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _completions.Forget(instanceId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync().ConfigureAwait(false);
        await _service.DeleteAsync().ConfigureAwait(false);
        await DeleteAppLeaseContainerAsync().ConfigureAwait(false);
        _worker.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
        _loggerFactory.Dispose();
    }

    /// <summary>
    /// Deletes the app-lease container, which the framework's DeleteAsync leaves behind: stopping forgets the app lease
    /// without releasing it, and the delete that follows, sent without the lease id, is refused and the refusal ignored.
    /// </summary>
    private async Task DeleteAppLeaseContainerAsync()
    {
        if (await _appLeaseContainer.ExistsAsync().ConfigureAwait(false))
        {
            await _appLeaseContainer.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero).ConfigureAwait(false);
            await _appLeaseContainer.DeleteIfExistsAsync().ConfigureAwait(false);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
