using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Storage;

namespace OpsFunctions.Durable.Sqlite.Tests;

public sealed class SqliteDurableStoreConformanceTests : DurableStoreConformanceTests, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override async Task<IDurableStore> CreateStoreAsync(TimeProvider timeProvider) => await _database.OpenAsync(timeProvider);

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
