using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Storage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

public sealed class AzureDurableStoreConformanceTests : DurableStoreConformanceTests, IAsyncDisposable
{
    private readonly AzuriteTaskHubs _hubs = new();

    protected override async Task<IDurableStore> CreateStoreAsync(TimeProvider timeProvider) => await _hubs.CreateAsync(timeProvider);

    public ValueTask DisposeAsync() => _hubs.DisposeAsync();
}
