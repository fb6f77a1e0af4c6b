using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Selects the embedded SQLite store: <c>services.AddDurableTask().UseSqlite("Data Source=.opsfunctions/ops.db")</c>.
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
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseStore(services =>
        {
            var options = new SqliteStoreOptions { ConnectionString = connectionString };
            configure?.Invoke(options);
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<SqliteDurableStore>()
                ?? NullLogger<SqliteDurableStore>.Instance;
            return new SqliteDurableStore(options, services.GetRequiredService<TimeProvider>(), logger);
        });
    }
}
