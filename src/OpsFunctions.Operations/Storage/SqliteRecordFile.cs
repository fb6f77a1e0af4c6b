using Microsoft.Data.Sqlite;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// A feature's SQLite file (<see cref="RecordStorage.SqliteFile"/>), as every feature's SQLite store opens it: the
/// folder, WAL and the schema on first use; then one pooled connection per call with a busy timeout, so hosts sharing
/// the file wait for each other instead of failing.
/// </summary>
internal sealed class SqliteRecordFile : IAsyncDisposable
{
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly string _connectionString;
    private readonly string _schema;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;

    /// <param name="databaseFile">The file; it and its folder are created on first use.</param>
    /// <param name="schema">The statements that create the tables unless they exist.</param>
    public SqliteRecordFile(string databaseFile, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        DatabaseFile = Path.GetFullPath(databaseFile);
        _schema = schema;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabaseFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public string DatabaseFile { get; }

    /// <summary>Opens a pooled connection, creating the file and its schema the first time.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout={BusyTimeoutMilliseconds};", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _initializeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initializeGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout={BusyTimeoutMilliseconds};", cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(connection, _schema, cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
