using System.Globalization;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// The orchestration queue: lock an instance with its messages, commit an episode, abandon.
/// </summary>
public sealed partial class SqliteDurableStore
{
    /// <inheritdoc/>
    public Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return WriteAsync(() => TryLockOrchestration(lease, maxMessages), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        if (!string.Equals(commit.Instance.InstanceId, workItem.InstanceId, StringComparison.Ordinal))
        {
            throw new ArgumentException("The commit must be for the instance of the work item.", nameof(commit));
        }

        return WriteAsync(() => CompleteOrchestration(workItem, commit), cancellationToken);
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        return WriteAsync(
            () =>
            {
                // The lock goes, but its expiry stays as the time before which no worker may lock the instance again.
                var released = Command("UPDATE Instances SET LockToken = NULL, LockExpiresAt = @until WHERE InstanceId = @id AND LockToken = @token")
                    .With("@id", workItem.InstanceId)
                    .With("@token", workItem.LockToken)
                    .With("@until", Now() + retryAfter.Ticks)
                    .ExecuteNonQuery();
                if (released > 0)
                {
                    // The attempt failed: count it on the messages it took.
                    foreach (var taken in workItem.Messages)
                    {
                        Command("UPDATE OrchestrationMessages SET DequeueCount = DequeueCount + 1 WHERE Id = @messageId AND InstanceId = @id")
                            .With("@messageId", ParseId(taken.MessageId))
                            .With("@id", workItem.InstanceId)
                            .ExecuteNonQuery();
                    }
                }

                // Waiters recompute their due time with the new expiry.
                _orchestrationEnqueued |= released > 0;
                return released;
            },
            cancellationToken);
    }

    /// <remarks>
    /// A message's stored dequeue count is the number of failed attempts on it; the count reported is one more.
    /// A failed attempt is counted when it shows: at abandon, or here, when the previous lock was left to expire
    /// (its token is still set). The usual lock then complete costs no count update.
    /// </remarks>
    private OrchestrationWorkItem? TryLockOrchestration(TimeSpan lease, int maxMessages)
    {
        var now = Now();
        while (true)
        {
            string instanceId;
            InstanceRecord? head = null;
            long historyCount = 0;
            var expiredLock = false;
            using (var reader = Command($"""
                SELECT m.InstanceId, i.HistoryCount, i.LockToken, {SqliteSchema.JoinedHeadColumns} FROM OrchestrationMessages AS m
                LEFT JOIN Instances AS i ON i.InstanceId = m.InstanceId
                WHERE m.VisibleAt <= @now AND (i.LockExpiresAt IS NULL OR i.LockExpiresAt <= @now)
                ORDER BY m.VisibleAt, m.Id
                LIMIT 1
                """).With("@now", now).ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                instanceId = reader.GetString(0);
                if (!reader.IsDBNull(3))
                {
                    historyCount = reader.GetInt64(1);
                    expiredLock = !reader.IsDBNull(2);
                    head = ReadHead(reader, first: 3);
                }
            }

            if (head is null)
            {
                var deleted = Command("DELETE FROM OrchestrationMessages WHERE InstanceId = @id").With("@id", instanceId).ExecuteNonQuery();
                LogOrphanMessagesDeleted(instanceId, deleted);
                continue;
            }

            var lockToken = Guid.NewGuid().ToString("N");
            Command("UPDATE Instances SET LockToken = @token, LockExpiresAt = @expires WHERE InstanceId = @id")
                .With("@id", instanceId)
                .With("@token", lockToken)
                .With("@expires", now + lease.Ticks)
                .ExecuteNonQuery();
            if (expiredLock)
            {
                Command("UPDATE OrchestrationMessages SET DequeueCount = DequeueCount + 1 WHERE InstanceId = @id AND +VisibleAt <= @now")
                    .With("@id", instanceId)
                    .With("@now", now)
                    .ExecuteNonQuery();
            }

            // A literal LIMIT lets SQLite stop at the first rows of the (InstanceId, Id) index; a bound one made this
            // read seven times slower. The unary plus keeps the planner off the VisibleAt index.
            var taken = new List<QueuedMessage>();
            using (var reader = Command(string.Create(CultureInfo.InvariantCulture, $"SELECT Id, DequeueCount, Message FROM OrchestrationMessages WHERE InstanceId = @id AND +VisibleAt <= @now ORDER BY Id LIMIT {maxMessages}"))
                .With("@id", instanceId)
                .With("@now", now)
                .ExecuteReader())
            {
                while (reader.Read())
                {
                    var id = reader.GetInt64(0);
                    var message = HistorySerializer.DeserializeOrchestrationMessage(reader.GetString(2));
                    taken.Add(new QueuedMessage(id.ToString(CultureInfo.InvariantCulture), message, reader.GetInt32(1) + 1));
                }
            }

            // The history length travels with the item: the commit's version check proves it is still right.
            return new OrchestrationWorkItem(instanceId, lockToken, taken, head) { StoreState = historyCount };
        }
    }

    private string CompleteOrchestration(OrchestrationWorkItem workItem, OrchestrationCommit commit)
    {
        var now = Now();
        var instanceId = workItem.InstanceId;
        // Versions are opaque to callers; one this store did not issue simply matches no head.
        var lockedVersion = long.TryParse(workItem.Instance?.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        var lockedHistoryCount = workItem.StoreState as long? ?? ReadHistoryCount(instanceId);
        var historyCount = commit.ReplaceHistory ? commit.NewEvents.Count : lockedHistoryCount + commit.NewEvents.Count;

        // The head update is the version check: it is the first write, so a conflict leaves nothing to undo.
        var updated = Command("""
            UPDATE Instances SET Name = @name, ExecutionId = @executionId, Status = @status, CreatedAt = @createdAt,
                LastUpdatedAt = @lastUpdatedAt, Input = @input, Output = @output, CustomStatus = @customStatus,
                Failure = @failure, ParentInstanceId = @parentInstanceId, Tags = @tags, Version = Version + 1,
                HistoryCount = @historyCount, LockToken = NULL, LockExpiresAt = NULL
            WHERE InstanceId = @id AND Version = @version AND LockToken = @token
            """)
            .WithHead(commit.Instance)
            .With("@historyCount", historyCount)
            .With("@version", lockedVersion)
            .With("@token", workItem.LockToken)
            .ExecuteNonQuery();
        if (updated == 0)
        {
            var current = Command("SELECT Version FROM Instances WHERE InstanceId = @id").With("@id", instanceId).ExecuteScalar();
            LogCommitConflict(instanceId, workItem.Instance?.Version, current is long version ? FormatVersion(version) : null);
            throw new StoreConflictException(current is null
                ? $"Instance '{instanceId}' no longer exists."
                : $"Instance '{instanceId}' changed or was locked again since the work item was locked.");
        }

        foreach (var consumed in workItem.Messages)
        {
            Command("DELETE FROM OrchestrationMessages WHERE Id = @messageId AND InstanceId = @id")
                .With("@messageId", ParseId(consumed.MessageId))
                .With("@id", instanceId)
                .ExecuteNonQuery();
        }

        if (commit.ReplaceHistory)
        {
            Command("DELETE FROM History WHERE InstanceId = @id").With("@id", instanceId).ExecuteNonQuery();
        }

        AppendHistory(instanceId, commit.ReplaceHistory ? 0 : lockedHistoryCount, commit.NewEvents);

        foreach (var message in commit.OrchestrationMessages)
        {
            EnqueueToExisting(message, now, createOnStart: true);
        }

        foreach (var activity in commit.ActivityMessages)
        {
            InsertActivityMessage(activity, now);
        }

        // Messages that arrived during the episode are lockable now that the lock is gone.
        _orchestrationEnqueued = true;
        return FormatVersion(lockedVersion + 1);
    }

    /// <summary>Inserts history rows a chunk per statement: one statement per event cost more than the rows.</summary>
    private void AppendHistory(string instanceId, long firstSequence, IReadOnlyList<HistoryEvent> events)
    {
        for (var offset = 0; offset < events.Count; offset += HistoryRowsPerInsert)
        {
            var count = Math.Min(HistoryRowsPerInsert, events.Count - offset);
            var command = Command(HistoryInsertSql(count)).With("@id", instanceId);
            for (var i = 0; i < count; i++)
            {
                command
                    .With(ParameterNames.Sequence[i], firstSequence + offset + i)
                    .With(ParameterNames.Event[i], HistorySerializer.Serialize(events[offset + i]));
            }

            command.ExecuteNonQuery();
        }
    }

    private long ReadHistoryCount(string instanceId)
        => Command("SELECT HistoryCount FROM Instances WHERE InstanceId = @id").With("@id", instanceId).ExecuteScalar() as long? ?? 0;

    /// <summary>
    /// Enqueues a message if its instance exists. With <paramref name="createOnStart"/>, an <see cref="ExecutionStarted"/>
    /// to an unknown instance creates its Pending head first; any other message to an unknown instance is dropped.
    /// </summary>
    private void EnqueueToExisting(OrchestrationMessage message, long now, bool createOnStart)
    {
        var exists = Command("SELECT 1 FROM Instances WHERE InstanceId = @id").With("@id", message.InstanceId).ExecuteScalar() is not null;
        if (!exists)
        {
            if (!createOnStart || message.Event is not ExecutionStarted started)
            {
                LogMessageDropped(message.InstanceId, message.Event.GetType().Name);
                return;
            }

            Command("""
                INSERT INTO Instances (InstanceId, Name, ExecutionId, Status, CreatedAt, LastUpdatedAt, Input, Output,
                    CustomStatus, Failure, ParentInstanceId, Version, HistoryCount, LockToken, LockExpiresAt, Tags)
                VALUES (@id, @name, NULL, @status, @now, @now, @input, NULL, NULL, NULL, @parentInstanceId, 1, 0, NULL, NULL, @tags)
                """)
                .With("@id", message.InstanceId)
                .With("@name", started.Name)
                .With("@status", (int)OrchestrationRuntimeStatus.Pending)
                .With("@now", now)
                .With("@input", started.Input)
                .With("@parentInstanceId", started.Parent?.InstanceId)
                .With("@tags", HistorySerializer.SerializeTags(started.Tags))
                .ExecuteNonQuery();
        }

        InsertOrchestrationMessage(message, now);
    }
}
