using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.Sqlite;

namespace OpsFunctions.Durable.Sqlite.Tests;

/// <summary>
/// A database file in a fresh temporary directory that does not exist yet, deleted on dispose.
/// </summary>
public sealed class SqliteTestDatabase : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "opsfunctions-sqlite-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteDurableStore> _stores = [];

    public string ConnectionString => $"Data Source={Path.Combine(_directory, "hub.db")}";

    public async Task<SqliteDurableStore> OpenAsync(TimeProvider timeProvider, bool durableCommits = false)
    {
        var store = new SqliteDurableStore(
            new SqliteStoreOptions { ConnectionString = ConnectionString, DurableCommits = durableCommits },
            timeProvider,
            NullLogger<SqliteDurableStore>.Instance);
        _stores.Add(store);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
