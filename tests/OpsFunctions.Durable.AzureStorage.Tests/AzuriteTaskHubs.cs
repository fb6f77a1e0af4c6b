using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// Creates stores on fresh task hubs in Azurite and deletes the hubs afterwards, so tests never share state.
/// </summary>
public sealed class AzuriteTaskHubs : IAsyncDisposable
{
    private readonly List<AzureDurableStore> _stores = [];

    public static string NewHubName() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates and initializes a store. With a fake clock, every delayed message is held in memory: queue visibility runs on real time.</summary>
    public async Task<AzureDurableStore> CreateAsync(TimeProvider timeProvider, string? hubName = null, Action<AzureStorageOptions>? configure = null)
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
