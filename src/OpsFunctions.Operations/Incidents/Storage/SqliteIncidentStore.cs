using System.Data;
using Microsoft.Data.Sqlite;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>
/// An <see cref="IIncidentStore"/> in a SQLite file beside the engine's database (<c>&lt;hub&gt;.incidents.db</c>):
/// records as JSON with the columns a query filters on, timeline entries keyed by time and content, reports.
/// </summary>
/// <remarks>
/// The schema is created on first use. Each call opens a pooled connection; writes run in one immediate transaction,
/// so hosts sharing the file wait for each other (busy timeout) instead of failing.
/// </remarks>
public sealed class SqliteIncidentStore : IIncidentStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS Incidents (
            Id TEXT NOT NULL PRIMARY KEY,
            OpenedAt INTEGER NOT NULL,
            Service TEXT NOT NULL,
            Severity TEXT NOT NULL,
            State TEXT NOT NULL,
            Record TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_Incidents_OpenedAt ON Incidents (OpenedAt DESC, Id);
        CREATE INDEX IF NOT EXISTS IX_Incidents_Service ON Incidents (Service, OpenedAt DESC, Id);
        CREATE INDEX IF NOT EXISTS IX_Incidents_Severity ON Incidents (Severity, OpenedAt DESC, Id);
        CREATE INDEX IF NOT EXISTS IX_Incidents_State ON Incidents (State, OpenedAt DESC, Id);

        CREATE TABLE IF NOT EXISTS Timeline (
            Sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            IncidentId TEXT NOT NULL,
            At INTEGER NOT NULL,
            EntryKey TEXT NOT NULL,
            Entry TEXT NOT NULL,
            UNIQUE (IncidentId, At, EntryKey));

        CREATE TABLE IF NOT EXISTS Reports (
            IncidentId TEXT NOT NULL PRIMARY KEY,
            Markdown TEXT NOT NULL);
        """;

    private readonly SqliteRecordFile _file;

    /// <summary>Initializes a new instance of the <see cref="SqliteIncidentStore"/> class on the database file <paramref name="databaseFile"/>.</summary>
    public SqliteIncidentStore(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        _file = new SqliteRecordFile(databaseFile, Schema);
    }

    /// <summary>Gets the database file.</summary>
    public string DatabaseFile => _file.DatabaseFile;

    public async Task UpsertAsync(IncidentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Id);
        var json = IncidentStoreFormat.Serialize(record);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Incidents (Id, OpenedAt, Service, Severity, State, Record)
            VALUES (@id, @openedAt, @service, @severity, @state, @record)
            ON CONFLICT (Id) DO UPDATE SET
                OpenedAt = excluded.OpenedAt, Service = excluded.Service, Severity = excluded.Severity,
                State = excluded.State, Record = excluded.Record;
            """;
        command.Parameters.AddWithValue("@id", record.Id);
        command.Parameters.AddWithValue("@openedAt", record.OpenedAt.UtcTicks);
        command.Parameters.AddWithValue("@service", record.Service);
        command.Parameters.AddWithValue("@severity", record.Severity.ToString());
        command.Parameters.AddWithValue("@state", record.State.ToString());
        command.Parameters.AddWithValue("@record", json);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendTimelineAsync(string incidentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // The unique (IncidentId, At, EntryKey) makes a repeated entry a no-op; Sequence keeps the order of first appends.
        command.CommandText = """
            INSERT INTO Timeline (IncidentId, At, EntryKey, Entry) VALUES (@id, @at, @key, @entry)
            ON CONFLICT (IncidentId, At, EntryKey) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@id", incidentId);
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

    public async Task SaveReportAsync(string incidentId, string markdown, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        ArgumentNullException.ThrowIfNull(markdown);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Reports (IncidentId, Markdown) VALUES (@id, @markdown)
            ON CONFLICT (IncidentId) DO UPDATE SET Markdown = excluded.Markdown;
            """;
        command.Parameters.AddWithValue("@id", incidentId);
        command.Parameters.AddWithValue("@markdown", markdown);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IncidentRecord?> GetAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Record FROM Incidents WHERE Id = @id;";
        command.Parameters.AddWithValue("@id", incidentId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? IncidentStoreFormat.DeserializeRecord(json)
            : null;
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Entry FROM Timeline WHERE IncidentId = @id ORDER BY At, Sequence;";
        command.Parameters.AddWithValue("@id", incidentId);
        var entries = new List<TimelineEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(TimelineFormat.Deserialize(reader.GetString(0)));
        }

        return entries;
    }

    public async Task<string?> GetReportAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Markdown FROM Reports WHERE IncidentId = @id;";
        command.Parameters.AddWithValue("@id", incidentId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        var after = IncidentPaging.Validate(query);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var conditions = new List<string>();
        if (query.OpenedFrom is { } from)
        {
            conditions.Add("OpenedAt >= @from");
            command.Parameters.AddWithValue("@from", from.UtcTicks);
        }

        if (query.OpenedTo is { } to)
        {
            conditions.Add("OpenedAt < @to");
            command.Parameters.AddWithValue("@to", to.UtcTicks);
        }

        if (query.Service is { } service)
        {
            conditions.Add("Service = @service");
            command.Parameters.AddWithValue("@service", service);
        }

        if (query.Severity is { } severity)
        {
            conditions.Add("Severity = @severity");
            command.Parameters.AddWithValue("@severity", severity.ToString());
        }

        if (query.State is { } state)
        {
            conditions.Add("State = @state");
            command.Parameters.AddWithValue("@state", state.ToString());
        }

        if (after is { } position)
        {
            conditions.Add("(OpenedAt < @afterOpenedAt OR (OpenedAt = @afterOpenedAt AND Id > @afterId))");
            command.Parameters.AddWithValue("@afterOpenedAt", position.OpenedTicks);
            command.Parameters.AddWithValue("@afterId", position.Id);
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = $"SELECT Record FROM Incidents {where} ORDER BY OpenedAt DESC, Id LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", query.PageSize + 1);

        var records = new List<IncidentRecord>(Math.Min(query.PageSize + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(IncidentStoreFormat.DeserializeRecord(reader.GetString(0)));
            }
        }

        if (records.Count <= query.PageSize)
        {
            return new IncidentPage(records, null);
        }

        records.RemoveAt(records.Count - 1);
        return new IncidentPage(records, IncidentPaging.CreateToken(records[^1]));
    }

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
