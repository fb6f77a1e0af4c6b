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
                using var reader = Command("""
                    UPDATE ActivityMessages
                    SET LockToken = @token, LockExpiresAt = @expires, VisibleAt = @expires, DequeueCount = DequeueCount + 1
                    WHERE Id = (SELECT Id FROM ActivityMessages WHERE VisibleAt <= @now ORDER BY VisibleAt, Id LIMIT 1)
                    RETURNING Id, DequeueCount, Message
                    """)
                    .With("@now", now)
                    .With("@token", lockToken)
                    .With("@expires", now + lease.Ticks)
                    .ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                var message = HistorySerializer.DeserializeActivityMessage(reader.GetString(2));
                return new ActivityWorkItem(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), lockToken, message, reader.GetInt32(1));
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
                _activityEnqueued = released > 0;
                return released;
            },
            cancellationToken);
    }
}
