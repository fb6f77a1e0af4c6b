using System.Globalization;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// The activity queue. A locked message's VisibleAt moves to its lock's expiry, so "visible" alone means "not locked".
/// </summary>
public sealed partial class SqliteDurableStore
{
    /// <inheritdoc/>
    public Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.Zero);
        return WriteAsync(
            () =>
            {
                var now = Now();
                var lockToken = Guid.NewGuid().ToString("N");
                // Read, then update by id: an UPDATE ... RETURNING over a subquery costs SQLite a hundred times more.
                long id;
                int dequeueCount;
                string json;
                using (var reader = Command("SELECT Id, DequeueCount, Message FROM ActivityMessages WHERE VisibleAt <= @now ORDER BY VisibleAt, Id LIMIT 1")
                    .With("@now", now)
                    .ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return null;
                    }

                    id = reader.GetInt64(0);
                    dequeueCount = reader.GetInt32(1) + 1;
                    json = reader.GetString(2);
                }

                Command("UPDATE ActivityMessages SET LockToken = @token, LockExpiresAt = @expires, VisibleAt = @expires, DequeueCount = @count WHERE Id = @messageId")
                    .With("@messageId", id)
                    .With("@token", lockToken)
                    .With("@expires", now + lease.Ticks)
                    .With("@count", dequeueCount)
                    .ExecuteNonQuery();
                var message = HistorySerializer.DeserializeActivityMessage(json);
                return new ActivityWorkItem(id.ToString(CultureInfo.InvariantCulture), lockToken, message, dequeueCount);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.Zero);
        return WriteAsync(
            () => Command("UPDATE ActivityMessages SET LockExpiresAt = @expires, VisibleAt = @expires WHERE Id = @messageId AND LockToken = @token")
                .With("@messageId", ParseId(workItem.MessageId))
                .With("@token", workItem.LockToken)
                .With("@expires", Now() + lease.Ticks)
                .ExecuteNonQuery() > 0,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(response);
        return WriteAsync(
            () =>
            {
                var deleted = Command("DELETE FROM ActivityMessages WHERE Id = @messageId AND LockToken = @token")
                    .With("@messageId", ParseId(workItem.MessageId))
                    .With("@token", workItem.LockToken)
                    .ExecuteNonQuery();
                if (deleted == 0)
                {
                    return false;
                }

                EnqueueToExisting(response, Now(), createOnStart: false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        return WriteAsync(
            () =>
            {
                var released = Command("UPDATE ActivityMessages SET LockToken = NULL, LockExpiresAt = NULL, VisibleAt = @visibleAt WHERE Id = @messageId AND LockToken = @token")
                    .With("@messageId", ParseId(workItem.MessageId))
                    .With("@token", workItem.LockToken)
                    .With("@visibleAt", Now() + retryAfter.Ticks)
                    .ExecuteNonQuery();

                // Waiters recompute their due time with the new visibility.
                _activityEnqueued |= released > 0;
                return released;
            },
            cancellationToken);
    }
}
