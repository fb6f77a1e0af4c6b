using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Log messages of the Azure Storage store (event ids 3200-3299).
/// </summary>
public sealed partial class AzureDurableStore
{
    [LoggerMessage(3200, LogLevel.Information, "Azure Storage task hub {Table} at {Endpoint} ready: {Partitions} control queues, host {HostId}.")]
    private partial void LogStarted(string endpoint, string table, int partitions, string hostId);

    [LoggerMessage(3201, LogLevel.Warning, "Queue message {MessageId} in {Queue} for instance {InstanceId} does not parse and was moved to the poison queue: {Reason}")]
    private partial void LogPoisoned(string queue, string messageId, string instanceId, string reason);

    [LoggerMessage(3202, LogLevel.Debug, "Message to {InstanceId} due {DueAt:o} arrived early; hidden again for {Visibility}.")]
    private partial void LogRequeued(string instanceId, DateTimeOffset dueAt, TimeSpan visibility);

    [LoggerMessage(3203, LogLevel.Warning, "Polling the {Kind} queues failed with status {Status} ({ErrorCode}); retrying.")]
    private partial void LogPollFailed(WorkItemKind kind, int status, string? errorCode);

    [LoggerMessage(3204, LogLevel.Warning, "Held message {MessageId} of {Queue} was taken by another host before this one renewed it.")]
    private partial void LogHeldMessageLost(string queue, string messageId);

    [LoggerMessage(3205, LogLevel.Debug, "Dropped {Count} messages to {InstanceId}: {Reason}.")]
    private partial void LogMessagesDropped(string instanceId, int count, string reason);

    [LoggerMessage(3206, LogLevel.Warning, "Instance {InstanceId}: sending {Count} messages of an episode whose host {HostId} may have died before sending them.")]
    private partial void LogOutboxRecovered(string instanceId, int count, string hostId);

    [LoggerMessage(3207, LogLevel.Debug, "Instance {InstanceId}: commit against ETag {ETag} lost to another writer.")]
    private partial void LogCommitConflict(string instanceId, string eTag);

    [LoggerMessage(3208, LogLevel.Debug, "Dropped activity {Name} (task {TaskId}) of {InstanceId}: the instance ended or was created again.")]
    private partial void LogActivityDropped(string instanceId, string name, int taskId);

    [LoggerMessage(3209, LogLevel.Warning, "Deleting consumed queue messages failed; they will be redelivered and dropped as duplicates: {Reason}")]
    private partial void LogDeleteFailed(string reason);

    [LoggerMessage(3210, LogLevel.Warning, "Sweeping for instances whose start was never sent failed; retrying in {Interval}: {Reason}")]
    private partial void LogSweepFailed(TimeSpan interval, string reason);
}
