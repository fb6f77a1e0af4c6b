using Microsoft.Extensions.Logging;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// The log messages of the SQLite store; event ids 3100-3199.
/// </summary>
public sealed partial class SqliteDurableStore
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Opened the SQLite task hub {DataSource} (journal mode {JournalMode}, synchronous {Synchronous})")]
    private partial void LogOpened(string dataSource, string journalMode, string synchronous);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Deleted {Count} queued messages of instance {InstanceId}, which has no head")]
    private partial void LogOrphanMessagesDeleted(string instanceId, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Dropped a {EventType} message to instance {InstanceId}, which does not exist")]
    private partial void LogMessageDropped(string instanceId, string eventType);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "The commit of instance {InstanceId} lost its lock or version (locked at version {LockedVersion}, now {CurrentVersion})")]
    private partial void LogCommitConflict(string instanceId, string? lockedVersion, string? currentVersion);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "A background checkpoint of the SQLite write-ahead log failed; it is retried after the next commits")]
    private partial void LogCheckpointFailed(Exception exception);
}
