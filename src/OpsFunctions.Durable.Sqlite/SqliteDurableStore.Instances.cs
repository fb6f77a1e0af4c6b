using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// Instances: create, message, read, query and purge.
/// </summary>
public sealed partial class SqliteDurableStore
{
    private const int HistoryPageSize = 500;

    private static readonly OrchestrationRuntimeStatus[] EndedStatuses =
    [
        OrchestrationRuntimeStatus.Completed,
        OrchestrationRuntimeStatus.Failed,
        OrchestrationRuntimeStatus.Terminated,
    ];

    /// <inheritdoc/>
    public Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(startMessage);
        if (!string.Equals(instance.InstanceId, startMessage.InstanceId, StringComparison.Ordinal))
        {
            throw new ArgumentException("The start message must target the instance it starts.", nameof(startMessage));
        }

        return WriteAsync(() => CreateInstance(instance, startMessage), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteAsync(() => SendMessage(message), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return ReadAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                var columns = includePayloads ? SqliteSchema.HeadColumns : SqliteSchema.HeadColumnsWithoutPayloads;
                command.CommandText = $"SELECT {columns} FROM Instances WHERE InstanceId = @id";
                command.With("@id", instanceId);
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadHead(reader) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.PageSize, 1, nameof(filter));
        var after = filter.ContinuationToken is { } token ? DecodeContinuation(token) : default((long, string)?);
        return ReadAsync(connection => QueryInstances(connection, filter, after), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        return ReadAsync<IReadOnlyList<HistoryEvent>>(connection => ReadHistory(connection, instanceId), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses is null ? EndedStatuses : EndedStatuses.Intersect(filter.Statuses).ToArray();
        return statuses.Length == 0 ? Task.FromResult(0) : WriteAsync(() => PurgeInstances(filter, statuses), cancellationToken);
    }

    private static InstancePage QueryInstances(SqliteConnection connection, InstanceFilter filter, (long CreatedAt, string InstanceId)? after)
    {
        if (filter.Statuses is { Count: 0 })
        {
            return new InstancePage([], null);
        }

        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ")
            .Append(filter.IncludePayloads ? SqliteSchema.HeadColumns : SqliteSchema.HeadColumnsWithoutPayloads)
            .Append(" FROM Instances WHERE 1 = 1");
        AppendFilter(sql, command, filter, filter.Statuses);
        if (after is { } last)
        {
            sql.Append(" AND (CreatedAt > @afterCreatedAt OR (CreatedAt = @afterCreatedAt AND InstanceId > @afterInstanceId))");
            command.With("@afterCreatedAt", last.CreatedAt).With("@afterInstanceId", last.InstanceId);
        }

        // One row more than the page says whether another page follows.
        sql.Append(" ORDER BY CreatedAt, InstanceId LIMIT @limit");
        command.With("@limit", filter.PageSize + 1);
        command.CommandText = sql.ToString();

        var instances = new List<InstanceRecord>(Math.Min(filter.PageSize, 1024));
        var more = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (instances.Count == filter.PageSize)
                {
                    more = true;
                    break;
                }

                instances.Add(ReadHead(reader));
            }
        }

        var next = more ? EncodeContinuation(instances[^1]) : null;
        return new InstancePage(instances, next);
    }

    /// <summary>Appends the filter's conditions; statuses are passed apart because purge narrows them.</summary>
    private static void AppendFilter(StringBuilder sql, SqliteCommand command, InstanceFilter filter, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses)
    {
        if (filter.InstanceId is { } instanceId)
        {
            sql.Append(" AND InstanceId = @instanceId");
            command.With("@instanceId", instanceId);
        }

        if (filter.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            // An exact, case-sensitive prefix test with no LIKE wildcards to escape; the range lets an index help.
            sql.Append(" AND InstanceId >= @prefix AND substr(InstanceId, 1, length(@prefix)) = @prefix");
            command.With("@prefix", prefix);
        }

        if (filter.CreatedFrom is { } from)
        {
            sql.Append(" AND CreatedAt >= @createdFrom");
            command.With("@createdFrom", from.UtcTicks);
        }

        if (filter.CreatedTo is { } to)
        {
            sql.Append(" AND CreatedAt < @createdTo");
            command.With("@createdTo", to.UtcTicks);
        }

        if (statuses is not null)
        {
            sql.Append(" AND Status IN (");
            var i = 0;
            foreach (var status in statuses)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@status{i}");
                sql.Append(i == 0 ? string.Empty : ", ").Append(name);
                command.With(name, (int)status);
                i++;
            }

            sql.Append(i == 0 ? "NULL)" : ")");
        }
    }

    private static string EncodeContinuation(InstanceRecord last)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}|{last.InstanceId}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    private static (long CreatedAt, string InstanceId) DecodeContinuation(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            if (separator > 0 && long.TryParse(text.AsSpan(0, separator), NumberStyles.Integer, CultureInfo.InvariantCulture, out var createdAt))
            {
                return (createdAt, text[(separator + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below, as for any other malformed token.
        }

        throw new ArgumentException("The continuation token was not issued by this store.", nameof(token));
    }

    private static List<HistoryEvent> ReadHistory(SqliteConnection connection, string instanceId)
    {
        // One read transaction, so every page comes from the same snapshot even if a commit replaces the history meanwhile.
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Sequence, Event FROM History WHERE InstanceId = @id AND Sequence > @after ORDER BY Sequence LIMIT @limit";
        var events = new List<HistoryEvent>();
        var after = -1L;
        while (true)
        {
            command.Parameters.Clear();
            command.With("@id", instanceId).With("@after", after).With("@limit", HistoryPageSize);
            var read = 0;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    after = reader.GetInt64(0);
                    events.Add(HistorySerializer.DeserializeEvent(reader.GetString(1)));
                    read++;
                }
            }

            if (read < HistoryPageSize)
            {
                transaction.Commit();
                return events;
            }
        }
    }

    private bool CreateInstance(InstanceRecord instance, OrchestrationMessage startMessage)
    {
        var now = Now();
        var id = instance.InstanceId;
        var existing = Command("SELECT Status FROM Instances WHERE InstanceId = @id").With("@id", id).ExecuteScalar();
        if (existing is long status)
        {
            var current = (OrchestrationRuntimeStatus)status;
            if (!current.HasEnded())
            {
                throw new InstanceAlreadyExistsException(id, current);
            }

            DeleteInstanceData(id);
        }

        Command("""
            INSERT INTO Instances (InstanceId, Name, ExecutionId, Status, CreatedAt, LastUpdatedAt, Input, Output,
                CustomStatus, Failure, ParentInstanceId, Version, HistoryCount, LockToken, LockExpiresAt, Tags)
            VALUES (@id, @name, @executionId, @status, @createdAt, @lastUpdatedAt, @input, @output,
                @customStatus, @failure, @parentInstanceId, 1, 0, NULL, NULL, @tags)
            ON CONFLICT (InstanceId) DO UPDATE SET
                Name = excluded.Name, ExecutionId = excluded.ExecutionId, Status = excluded.Status,
                CreatedAt = excluded.CreatedAt, LastUpdatedAt = excluded.LastUpdatedAt, Input = excluded.Input,
                Output = excluded.Output, CustomStatus = excluded.CustomStatus, Failure = excluded.Failure,
                ParentInstanceId = excluded.ParentInstanceId, Version = Instances.Version + 1, HistoryCount = 0,
                LockToken = NULL, LockExpiresAt = NULL, Tags = excluded.Tags
            """)
            .WithHead(instance with { Status = OrchestrationRuntimeStatus.Pending })
            .ExecuteNonQuery();
        InsertOrchestrationMessage(startMessage, now);
        return true;
    }

    private OrchestrationRuntimeStatus? SendMessage(OrchestrationMessage message)
    {
        var existing = Command("SELECT Status FROM Instances WHERE InstanceId = @id").With("@id", message.InstanceId).ExecuteScalar();
        if (existing is not long status)
        {
            return null;
        }

        var current = (OrchestrationRuntimeStatus)status;
        if (!current.HasEnded())
        {
            InsertOrchestrationMessage(message, Now());
        }

        return current;
    }

    private int PurgeInstances(InstanceFilter filter, OrchestrationRuntimeStatus[] statuses)
    {
        // The same conditions select the instances of every table; the head goes last so the others still find it.
        var conditions = new StringBuilder("SELECT InstanceId FROM Instances WHERE 1 = 1");
        using var command = DynamicCommand();
        AppendFilter(conditions, command, filter, statuses);
        var matching = conditions.ToString();
        foreach (var table in (ReadOnlySpan<string>)["History", "OrchestrationMessages", "ActivityMessages"])
        {
            command.CommandText = $"DELETE FROM {table} WHERE InstanceId IN ({matching})";
            command.ExecuteNonQuery();
        }

        command.CommandText = $"DELETE FROM Instances WHERE InstanceId IN ({matching})";
        return command.ExecuteNonQuery();
    }

    private void DeleteInstanceData(string instanceId)
    {
        Command("DELETE FROM History WHERE InstanceId = @id").With("@id", instanceId).ExecuteNonQuery();
        Command("DELETE FROM OrchestrationMessages WHERE InstanceId = @id").With("@id", instanceId).ExecuteNonQuery();
        Command("DELETE FROM ActivityMessages WHERE InstanceId = @id").With("@id", instanceId).ExecuteNonQuery();
    }

    private void InsertOrchestrationMessage(OrchestrationMessage message, long now)
    {
        Command("INSERT INTO OrchestrationMessages (InstanceId, VisibleAt, DequeueCount, Message) VALUES (@id, @visibleAt, 0, @message)")
            .With("@id", message.InstanceId)
            .With("@visibleAt", message.VisibleAt?.UtcTicks ?? now)
            .With("@message", HistorySerializer.Serialize(message))
            .ExecuteNonQuery();
        _orchestrationEnqueued = true;
    }

    private void InsertActivityMessage(ActivityMessage message, long now)
    {
        Command("INSERT INTO ActivityMessages (InstanceId, VisibleAt, LockToken, LockExpiresAt, DequeueCount, Message) VALUES (@id, @now, NULL, NULL, 0, @message)")
            .With("@id", message.InstanceId)
            .With("@now", now)
            .With("@message", HistorySerializer.Serialize(message))
            .ExecuteNonQuery();
        _activityEnqueued = true;
    }
}
