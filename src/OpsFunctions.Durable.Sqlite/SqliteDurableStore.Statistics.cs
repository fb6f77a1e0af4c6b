using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// Queue counts for metrics, read through the visibility indexes.
/// </summary>
public sealed partial class SqliteDurableStore : IDurableStoreStatistics
{
    /// <inheritdoc/>
    public Task<QueueStatistics> GetQueueStatisticsAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        return ReadAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT
                        (SELECT COUNT(*) FROM OrchestrationMessages WHERE VisibleAt <= @now),
                        (SELECT COUNT(*) FROM ActivityMessages WHERE VisibleAt <= @now),
                        (SELECT COUNT(*) FROM OrchestrationMessages WHERE VisibleAt > @now)
                    """;
                command.With("@now", now);
                using var reader = command.ExecuteReader();
                reader.Read();
                return new QueueStatistics(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            },
            cancellationToken);
    }
}
