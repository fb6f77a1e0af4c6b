using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Selects the embedded SQLite store: <c>services.AddDurableTaskWorker(b => b.AddTasks(...).UseSqlite("Data Source=ops.db"))</c>
/// with <c>services.AddDurableTaskClient(b => b.UseSqlite("Data Source=ops.db"))</c>, or
/// <c>services.AddDurableTask().UseSqlite(...)</c> for both.
/// </summary>
public static class SqliteDurableTaskBuilderExtensions
{
    /// <summary>Stores the task hub in one SQLite database file.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The connection string; its data source is the database file, created with its directory if missing.</param>
    /// <param name="configure">Configures the remaining options.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseSqlite(this IDurableTaskBuilder builder, string connectionString, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(connectionString, configure));
    }

    /// <summary>Runs the official worker on the engine, with the task hub in one SQLite database file.</summary>
    /// <param name="builder">The official worker builder.</param>
    /// <param name="connectionString">The connection string; its data source is the database file, created with its directory if missing.</param>
    /// <param name="configure">Configures the remaining store options.</param>
    /// <param name="engine">Configures the engine's options (task hub name, concurrency).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskWorkerBuilder UseSqlite(
        this IDurableTaskWorkerBuilder builder, string connectionString, Action<SqliteStoreOptions>? configure = null, Action<DurableTaskOptions>? engine = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(connectionString, configure), engine);
    }

    /// <summary>Runs the official client on the engine, with the task hub in one SQLite database file.</summary>
    /// <param name="builder">The official client builder.</param>
    /// <param name="connectionString">The connection string; the same as the worker's to reach its hub.</param>
    /// <param name="configure">Configures the remaining store options.</param>
    /// <param name="engine">Configures the engine's options (task hub name).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskClientBuilder UseSqlite(
        this IDurableTaskClientBuilder builder, string connectionString, Action<SqliteStoreOptions>? configure = null, Action<DurableTaskOptions>? engine = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(connectionString, configure), engine);
    }

    private static Func<IServiceProvider, SqliteDurableStore> CreateStore(string connectionString, Action<SqliteStoreOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services =>
        {
            var options = new SqliteStoreOptions { ConnectionString = connectionString };
            configure?.Invoke(options);
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<SqliteDurableStore>()
                ?? NullLogger<SqliteDurableStore>.Instance;
            return new SqliteDurableStore(options, services.GetRequiredService<TimeProvider>(), logger);
        };
    }
}
