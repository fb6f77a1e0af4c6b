namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// The tables of a task hub. Times are INTEGER UTC ticks; events and messages are JSON from the history serializer.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Creates what is missing; safe to run on every start.</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS Instances (
            InstanceId TEXT NOT NULL PRIMARY KEY,
            Name TEXT NOT NULL,
            ExecutionId TEXT NULL,
            Status INTEGER NOT NULL,
            CreatedAt INTEGER NOT NULL,
            LastUpdatedAt INTEGER NOT NULL,
            Input TEXT NULL,
            Output TEXT NULL,
            CustomStatus TEXT NULL,
            Failure TEXT NULL,
            ParentInstanceId TEXT NULL,
            Version INTEGER NOT NULL,
            HistoryCount INTEGER NOT NULL,
            LockToken TEXT NULL,
            LockExpiresAt INTEGER NULL,
            Tags TEXT NULL);
        CREATE INDEX IF NOT EXISTS IX_Instances_CreatedAt ON Instances (CreatedAt, InstanceId);
        CREATE INDEX IF NOT EXISTS IX_Instances_Status ON Instances (Status);
        -- Locks come and go with every episode; an index on their expiry cost a fifth of the write throughput.
        DROP INDEX IF EXISTS IX_Instances_LockExpiresAt;

        CREATE TABLE IF NOT EXISTS History (
            InstanceId TEXT NOT NULL,
            Sequence INTEGER NOT NULL,
            Event TEXT NOT NULL,
            PRIMARY KEY (InstanceId, Sequence)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS OrchestrationMessages (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            InstanceId TEXT NOT NULL,
            VisibleAt INTEGER NOT NULL,
            DequeueCount INTEGER NOT NULL,
            Message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_OrchestrationMessages_VisibleAt ON OrchestrationMessages (VisibleAt);
        CREATE INDEX IF NOT EXISTS IX_OrchestrationMessages_InstanceId ON OrchestrationMessages (InstanceId, Id);

        CREATE TABLE IF NOT EXISTS ActivityMessages (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            InstanceId TEXT NOT NULL,
            VisibleAt INTEGER NOT NULL,
            LockToken TEXT NULL,
            LockExpiresAt INTEGER NULL,
            DequeueCount INTEGER NOT NULL,
            Message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_ActivityMessages_VisibleAt ON ActivityMessages (VisibleAt);
        CREATE INDEX IF NOT EXISTS IX_ActivityMessages_InstanceId ON ActivityMessages (InstanceId);
        """;

    /// <summary>Columns added since hubs were first written, each with the statement that adds it to an older hub.</summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Add)> AddedColumns =
    [
        ("Instances", "Tags", "ALTER TABLE Instances ADD COLUMN Tags TEXT NULL"),
    ];

    /// <summary>The head columns, in the order <see cref="SqliteDurableStore"/> reads them.</summary>
    public const string HeadColumns =
        "InstanceId, Name, ExecutionId, Status, CreatedAt, LastUpdatedAt, Input, Output, CustomStatus, Failure, ParentInstanceId, Version, Tags";

    /// <summary>The head columns of the instance row aliased <c>i</c>, for joins.</summary>
    public const string JoinedHeadColumns =
        "i.InstanceId, i.Name, i.ExecutionId, i.Status, i.CreatedAt, i.LastUpdatedAt, i.Input, i.Output, i.CustomStatus, i.Failure, i.ParentInstanceId, i.Version, i.Tags";

    /// <summary>The head columns with the payloads left out.</summary>
    public const string HeadColumnsWithoutPayloads =
        "InstanceId, Name, ExecutionId, Status, CreatedAt, LastUpdatedAt, NULL, NULL, NULL, Failure, ParentInstanceId, Version, Tags";
}
