using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Testing.Dtfx;

/// <summary>
/// The Durable Task Framework (DurableTask.Core and DurableTask.AzureStorage, the engine Durable Functions runs in
/// Azure) on Azurite, running the official API's orchestrators and activities through the official shim, on a fresh
/// task hub that <see cref="DisposeAsync"/> deletes. <see cref="Client"/> is an official <see cref="DurableTaskClient"/>
/// over the framework's <c>TaskHubClient</c>.
/// </summary>
/// <remarks>
/// <para>Every framework setting is its default, so what runs here is what a Durable Task Framework user gets out of the
/// box: 4 partitions (control queues), at most 100 orchestration and 10 activity work items at once, extended sessions
/// off, queue polling backing off from 50 ms to 30 s while a queue is empty (sends from this process wake it at once:
/// the client and the worker share one service object, as a Durable Functions host does). Failures reach orchestrators
/// with their details (<see cref="ErrorPropagationMode.UseFailureDetails"/>), as Durable Functions runs the official
/// API's shim.</para>
/// <para>Payloads go through one official <see cref="DataConverter"/>, the worker's (given to the shim in
/// <see cref="DurableTaskWorkerOptions"/>) and the client's alike; <see cref="JsonDataConverter.Default"/> unless
/// another is given.</para>
/// <para>The one thing not taken as the framework ships it is the client's wait, which reads the instance when this
/// process has run its orchestrator function to its return instead of every 2 seconds (<see cref="InstanceSignals"/>
/// says why).</para>
/// </remarks>
public sealed class DtfxHost : IAsyncDisposable
{
    private readonly BlobContainerClient _appLeaseContainer;
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly ServiceProvider? _ownServices;
    private readonly ILoggerFactory? _ownLoggerFactory;
    private int _disposed;

    private DtfxHost(
        AzureStorageOrchestrationServiceSettings settings,
        BlobContainerClient appLeaseContainer,
        AzureStorageOrchestrationService service,
        TaskHubWorker worker,
        DtfxDurableTaskClient client,
        ServiceProvider? ownServices,
        ILoggerFactory? ownLoggerFactory)
    {
        Settings = settings;
        _appLeaseContainer = appLeaseContainer;
        _service = service;
        _worker = worker;
        Client = client;
        _ownServices = ownServices;
        _ownLoggerFactory = ownLoggerFactory;
    }

    /// <summary>Gets the framework's settings, as this package version defaults them; the task hub's name among them.</summary>
    public AzureStorageOrchestrationServiceSettings Settings { get; }

    /// <summary>Gets the task hub's name.</summary>
    public string HubName => Settings.TaskHubName;

    /// <summary>Gets the official client over the framework's <c>TaskHubClient</c>.</summary>
    public DtfxDurableTaskClient Client { get; }

    /// <summary>Creates a fresh task hub on Azurite (started unless it runs) and starts a worker for the tasks that <paramref name="tasks"/> registers.</summary>
    /// <param name="tasks">Registers the orchestrators and activities, as <c>AddTasks</c> on the official worker builder does.</param>
    /// <param name="services">
    /// Creates the orchestrators and activities, so their constructors get their dependencies (an activity in a scope of
    /// its own per run); an empty provider when <see langword="null"/>. The caller keeps it and disposes it after the host.
    /// An activity that needs a <see cref="DurableTaskClient"/> gets this host's <see cref="Client"/> when the provider
    /// resolves one lazily, e.g. from a holder set once this method has returned.
    /// </param>
    /// <param name="dataConverter">The payload converter of worker and client; <see cref="JsonDataConverter.Default"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The framework's and the shim's logs; warnings and errors on the console when <see langword="null"/>.</param>
    /// <returns>The started host.</returns>
    public static async Task<DtfxHost> StartAsync(
        Action<DurableTaskRegistry> tasks,
        IServiceProvider? services = null,
        DataConverter? dataConverter = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var registry = new DurableTaskRegistry();
        tasks(registry);
        var factory = new RegistryTaskFactory(registry);

        // scripts/azurite.sh starts Azurite unless it already runs.
        var connectionString = await Azurite.EnsureStartedAsync().ConfigureAwait(false);
        var ownLoggerFactory = loggerFactory is null
            ? LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            : null;
        loggerFactory ??= ownLoggerFactory!;
        var ownServices = services is null ? new ServiceCollection().BuildServiceProvider() : null;
        services ??= ownServices!;
        var converter = dataConverter ?? JsonDataConverter.Default;

        var hubName = "dtfx" + Guid.NewGuid().ToString("N")[..10];
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync().ConfigureAwait(false);

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, loggerFactory);
        var signals = new InstanceSignals();
        var worker = new TaskHubWorker(service, loggerFactory) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };
        worker.AddTaskOrchestrations([.. factory.Orchestrators.Select(name => new ShimOrchestrationCreator(name, factory, shims, services, signals))]);
        worker.AddTaskActivities([.. factory.Activities.Select(name => new ShimActivityCreator(name, factory, shims, services))]);
        await worker.StartAsync().ConfigureAwait(false);

        var client = new DtfxDurableTaskClient(new TaskHubClient(service, new OfficialDataConverter(converter), loggerFactory), converter, signals);
        var appLeaseContainer = new BlobContainerClient(connectionString, hubName + "-applease");
        return new DtfxHost(settings, appLeaseContainer, service, worker, client, ownServices, ownLoggerFactory);
    }

    /// <summary>Stops the worker and deletes the task hub: its queues, tables and containers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _worker.StopAsync().ConfigureAwait(false);
            await _service.DeleteAsync().ConfigureAwait(false);
            await DeleteAppLeaseContainerAsync().ConfigureAwait(false);
        }
        finally
        {
            _worker.Dispose();
            if (_ownServices is not null)
            {
                await _ownServices.DisposeAsync().ConfigureAwait(false);
            }

            _ownLoggerFactory?.Dispose();
        }
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
}
