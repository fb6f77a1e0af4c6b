using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// Creates stores on fresh task hubs in Azurite and deletes the hubs afterwards, so tests never share state.
/// </summary>
public sealed class AzuriteTaskHubs : IAsyncDisposable
{
    private readonly List<AzureDurableStore> _stores = [];

    public static string NewHubName() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Creates and initializes a store. With a fake clock, every delayed message is held in memory: queue visibility runs
    /// on real time. A store <paramref name="asWorker"/> polls and holds its own sends, as a host's does once its worker
    /// asks for work; otherwise it is a client-only process's store.
    /// </summary>
    public async Task<AzureDurableStore> CreateAsync(TimeProvider timeProvider, string? hubName = null, Action<AzureStorageOptions>? configure = null, bool asWorker = true)
    {
        var options = new AzureStorageOptions
        {
            ConnectionString = await Azurite.EnsureStartedAsync(),
            TimerPrefetch = timeProvider == TimeProvider.System ? AzureStorageConstants.DefaultTimerPrefetch : AzureStorageConstants.MaxVisibilityDelay,
        };
        configure?.Invoke(options);
        var store = new AzureDurableStore(hubName ?? NewHubName(), options, timeProvider, NullLogger<AzureDurableStore>.Instance);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        _stores.Add(store);
        if (asWorker)
        {
            await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.Zero, TestContext.Current.CancellationToken);
            await store.WaitForWorkAsync(WorkItemKind.Activity, TimeSpan.Zero, TestContext.Current.CancellationToken);
        }

        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var store in _stores)
        {
            await store.DeleteTaskHubAsync(CancellationToken.None);
        }
    }
}
