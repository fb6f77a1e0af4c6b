using System.Data;
using Microsoft.Data.Sqlite;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>
/// An <see cref="IDeploymentStore"/> in a SQLite file beside the engine's database (<c>&lt;hub&gt;.deployments.db</c>):
/// records as JSON with the columns a query filters on, timeline entries keyed by time and content, freezes by name.
/// </summary>
/// <remarks>
/// The file is opened as every feature's is (<see cref="SqliteRecordFile"/>): WAL, the schema on first use, a pooled
/// connection per call with a busy timeout. Service and freeze names are compared in their
/// <see cref="DeploymentPaging.NameKey"/> form, kept in their own columns.
/// </remarks>
public sealed class SqliteDeploymentStore : IDeploymentStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS Deployments (
            Id TEXT NOT NULL PRIMARY KEY,
            StartedAt INTEGER NOT NULL,
            ServiceKey TEXT NOT NULL,
            State TEXT NOT NULL,
            Record TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_Deployments_StartedAt ON Deployments (StartedAt DESC, Id);
        CREATE INDEX IF NOT EXISTS IX_Deployments_Service ON Deployments (ServiceKey, StartedAt DESC, Id);
        CREATE INDEX IF NOT EXISTS IX_Deployments_State ON Deployments (State, StartedAt DESC, Id);

        CREATE TABLE IF NOT EXISTS Timeline (
            Sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            DeploymentId TEXT NOT NULL,
            At INTEGER NOT NULL,
            EntryKey TEXT NOT NULL,
            Entry TEXT NOT NULL,
            UNIQUE (DeploymentId, At, EntryKey));

        CREATE TABLE IF NOT EXISTS Freezes (
            NameKey TEXT NOT NULL PRIMARY KEY,
            Freeze TEXT NOT NULL);
        """;

    private readonly SqliteRecordFile _file;

    /// <summary>Initializes a new instance of the <see cref="SqliteDeploymentStore"/> class on the database file <paramref name="databaseFile"/>.</summary>
    public SqliteDeploymentStore(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        _file = new SqliteRecordFile(databaseFile, Schema);
    }

    /// <summary>Gets the database file.</summary>
    public string DatabaseFile => _file.DatabaseFile;

    public async Task UpsertAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        DeploymentStoreFormat.Validate(record);
        var json = DeploymentStoreFormat.Serialize(record);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Deployments (Id, StartedAt, ServiceKey, State, Record)
            VALUES (@id, @startedAt, @service, @state, @record)
            ON CONFLICT (Id) DO UPDATE SET
                StartedAt = excluded.StartedAt, ServiceKey = excluded.ServiceKey, State = excluded.State, Record = excluded.Record;
            """;
        command.Parameters.AddWithValue("@id", record.Id);
        command.Parameters.AddWithValue("@startedAt", record.StartedAt.UtcTicks);
        command.Parameters.AddWithValue("@service", DeploymentPaging.NameKey(record.Service));
        command.Parameters.AddWithValue("@state", record.State.ToString());
        command.Parameters.AddWithValue("@record", json);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeploymentRecord?> GetAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Record FROM Deployments WHERE Id = @id;";
        command.Parameters.AddWithValue("@id", deploymentId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? DeploymentStoreFormat.DeserializeRecord(json)
            : null;
    }

    public async Task AppendTimelineAsync(string deploymentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // The unique (DeploymentId, At, EntryKey) makes a repeated entry a no-op; Sequence keeps the order of first appends.
        command.CommandText = """
            INSERT INTO Timeline (DeploymentId, At, EntryKey, Entry) VALUES (@id, @at, @key, @entry)
            ON CONFLICT (DeploymentId, At, EntryKey) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@id", deploymentId);
        var at = command.Parameters.Add("@at", SqliteType.Integer);
        var key = command.Parameters.Add("@key", SqliteType.Text);
        var entry = command.Parameters.Add("@entry", SqliteType.Text);
        foreach (var item in entries)
        {
            ArgumentNullException.ThrowIfNull(item);
            at.Value = item.At.UtcTicks;
            key.Value = TimelineFormat.EntryKey(item);
            entry.Value = TimelineFormat.Serialize(item);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Entry FROM Timeline WHERE DeploymentId = @id ORDER BY At, Sequence;";
        command.Parameters.AddWithValue("@id", deploymentId);
        var entries = new List<TimelineEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(TimelineFormat.Deserialize(reader.GetString(0)));
        }

        return entries;
    }

    public async Task<DeploymentPage> QueryAsync(DeploymentQuery query, CancellationToken cancellationToken)
    {
        var after = DeploymentPaging.Validate(query);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var conditions = new List<string>();
        if (query.StartedFrom is { } from)
        {
            conditions.Add("StartedAt >= @from");
            command.Parameters.AddWithValue("@from", from.UtcTicks);
        }

        if (query.StartedTo is { } to)
        {
            conditions.Add("StartedAt < @to");
            command.Parameters.AddWithValue("@to", to.UtcTicks);
        }

        if (query.Service is { } service)
        {
            conditions.Add("ServiceKey = @service");
            command.Parameters.AddWithValue("@service", DeploymentPaging.NameKey(service));
        }

        if (query.State is { } state)
        {
            conditions.Add("State = @state");
            command.Parameters.AddWithValue("@state", state.ToString());
        }

        if (after is { } position)
        {
            conditions.Add("(StartedAt < @afterStartedAt OR (StartedAt = @afterStartedAt AND Id > @afterId))");
            command.Parameters.AddWithValue("@afterStartedAt", position.StartedTicks);
            command.Parameters.AddWithValue("@afterId", position.Id);
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = $"SELECT Record FROM Deployments {where} ORDER BY StartedAt DESC, Id LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", query.PageSize + 1);

        var records = new List<DeploymentRecord>(Math.Min(query.PageSize + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(DeploymentStoreFormat.DeserializeRecord(reader.GetString(0)));
            }
        }

        if (records.Count <= query.PageSize)
        {
            return new DeploymentPage(records, null);
        }

        records.RemoveAt(records.Count - 1);
        return new DeploymentPage(records, DeploymentPaging.CreateToken(records[^1]));
    }

    public async Task SaveFreezeAsync(DeploymentFreeze freeze, CancellationToken cancellationToken)
    {
        DeploymentStoreFormat.Validate(freeze);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Freezes (NameKey, Freeze) VALUES (@name, @freeze)
            ON CONFLICT (NameKey) DO UPDATE SET Freeze = excluded.Freeze;
            """;
        command.Parameters.AddWithValue("@name", DeploymentPaging.NameKey(freeze.Name));
        command.Parameters.AddWithValue("@freeze", DeploymentStoreFormat.Serialize(freeze));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteFreezeAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM Freezes WHERE NameKey = @name;";
        command.Parameters.AddWithValue("@name", DeploymentPaging.NameKey(name));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<DeploymentFreeze>> GetFreezesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Freeze FROM Freezes;";
        var freezes = new List<DeploymentFreeze>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            freezes.Add(DeploymentStoreFormat.DeserializeFreeze(reader.GetString(0)));
        }

        // In memory, so every store orders names alike (SQLite compares UTF-8 bytes, .NET UTF-16 code units).
        return DeploymentStoreFormat.ByName(freezes);
    }

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
