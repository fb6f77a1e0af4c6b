using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// An <see cref="IDurableStore"/> in one SQLite database file: the task hub of one machine, or of a few
/// processes that share the file.
/// </summary>
/// <remarks>
/// All writes of this instance go through one connection, one <c>BEGIN IMMEDIATE</c> transaction at a time;
/// SQLite serializes the writers of other processes on the same file. Reads use their own connections and,
/// thanks to WAL, never wait for a writer.
/// </remarks>
public sealed partial class SqliteDurableStore : IDurableStore
{
    private const int BusyTimeoutMilliseconds = 5000;
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteDurableStore> _logger;
    private readonly string _connectionString;
    private readonly string _dataSource;
    private readonly bool _readsUseWriter;
    private const int MaxWritesPerCommit = 256;
    private const string WriteSavepoint = "write";

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentQueue<PendingWrite> _pendingWrites = new();
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly WorkSignal _orchestrationSignal = new();
    private readonly WorkSignal _activitySignal = new();
    private SqliteConnection? _writer;
    private WalCheckpointer? _checkpointer;
    private SqliteTransaction? _transaction;
    private bool _orchestrationEnqueued;
    private bool _activityEnqueued;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="SqliteDurableStore"/> class.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock that judges visibility and lock expiry.</param>
    /// <param name="logger">The logger.</param>
    public SqliteDurableStore(SqliteStoreOptions options, TimeProvider timeProvider, ILogger<SqliteDurableStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);

        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false };
        _dataSource = builder.DataSource;

        // A private in-memory or temporary database lives in one connection, so reads must share the writer's.
        var privateMemory = builder.Mode == SqliteOpenMode.Memory && builder.Cache != SqliteCacheMode.Shared;
        _readsUseWriter = string.IsNullOrEmpty(_dataSource)
            || string.Equals(_dataSource, ":memory:", StringComparison.Ordinal)
            || privateMemory;
        _connectionString = builder.ToString();
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Initialize();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var signal = kind switch
        {
            WorkItemKind.Orchestration => _orchestrationSignal,
            WorkItemKind.Activity => _activitySignal,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown work item kind."),
        };

        // Begin the wait before reading the due time, so an enqueue in between still wakes it.
        var signaled = signal.BeginWait();
        if (signaled.IsCompleted || maxWait <= TimeSpan.Zero)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow().UtcTicks;
        var due = await ReadAsync(connection => ReadNextDue(connection, kind, now), cancellationToken).ConfigureAwait(false);
        var delay = maxWait < LongestWait ? maxWait : LongestWait;
        if (due is { } dueTicks && TimeSpan.FromTicks(dueTicks - now) < delay)
        {
            delay = TimeSpan.FromTicks(dueTicks - now);
        }

        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayed = Task.Delay(delay, _timeProvider, delayCancellation.Token);
        await Task.WhenAny(signaled, delayed).ConfigureAwait(false);
        await delayCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_checkpointer is not null)
            {
                await _checkpointer.DisposeAsync().ConfigureAwait(false);
                _checkpointer = null;
            }

            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            _writer?.Dispose();
            _writer = null;
            CloseReaders();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>When the next orchestration message becomes available: it turns visible, or its instance's lock expires.</summary>
    /// <remarks>
    /// An instance lock matters only for messages already visible; a later message is woken for by its VisibleAt
    /// first. Both halves read the VisibleAt index, so many future messages (timers, delayed starts) cost nothing here.
    /// </remarks>
    internal const string NextDueOrchestrationSql = """
        SELECT MIN(Due) FROM (
            SELECT MIN(VisibleAt) AS Due FROM OrchestrationMessages WHERE VisibleAt > @now
            UNION ALL
            SELECT MIN(i.LockExpiresAt) FROM OrchestrationMessages AS m
            JOIN Instances AS i ON i.InstanceId = m.InstanceId
            WHERE m.VisibleAt <= @now AND i.LockExpiresAt > @now)
        """;

    private static long? ReadNextDue(SqliteConnection connection, WorkItemKind kind, long now)
    {
        using var command = connection.CreateCommand();

        // Activity locks move VisibleAt to the lock's expiry, so VisibleAt alone says when a message is due.
        command.CommandText = kind == WorkItemKind.Orchestration
            ? NextDueOrchestrationSql
            : "SELECT MIN(VisibleAt) FROM ActivityMessages WHERE VisibleAt > @now";
        command.With("@now", now);
        return command.ExecuteScalar() is long due ? due : null;
    }

    /// <summary>Reads the <see cref="SqliteSchema.HeadColumns"/> that start at column <paramref name="first"/>.</summary>
    private static InstanceRecord ReadHead(SqliteDataReader reader, int first = 0) => new(reader.GetString(first), reader.GetString(first + 1))
    {
        ExecutionId = reader.GetStringOrNull(first + 2),
        Status = (OrchestrationRuntimeStatus)reader.GetInt32(first + 3),
        CreatedAt = FromTicks(reader.GetInt64(first + 4)),
        LastUpdatedAt = FromTicks(reader.GetInt64(first + 5)),
        Input = reader.GetStringOrNull(first + 6),
        Output = reader.GetStringOrNull(first + 7),
        CustomStatus = reader.GetStringOrNull(first + 8),
        Failure = reader.GetStringOrNull(first + 9) is { } failure ? HistorySerializer.DeserializeFailure(failure) : null,
        ParentInstanceId = reader.GetStringOrNull(first + 10),
        Version = FormatVersion(reader.GetInt64(first + 11)),
        Tags = HistorySerializer.DeserializeTags(reader.GetStringOrNull(first + 12)),
    };

    /// <summary>Brings a hub written by an earlier version up to the current columns; new columns are nullable.</summary>
    private static void AddMissingColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var (table, column, add) in SqliteSchema.AddedColumns)
        {
            using var probe = connection.CreateCommand();
            probe.Transaction = transaction;
            probe.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if (probe.ExecuteScalar() is 0L)
            {
                using var alter = connection.CreateCommand();
                alter.Transaction = transaction;
                alter.CommandText = add;
                alter.ExecuteNonQuery();
            }
        }
    }

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static long ParseId(string messageId) => long.Parse(messageId, NumberStyles.None, CultureInfo.InvariantCulture);

    private long Now() => _timeProvider.GetUtcNow().UtcTicks;

    private void Initialize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            return;
        }

        if (!_readsUseWriter && Path.GetDirectoryName(Path.GetFullPath(_dataSource)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var synchronous = _options.DurableCommits ? "FULL" : "NORMAL";
            connection.Execute($"PRAGMA busy_timeout={BusyTimeoutMilliseconds};");
            var journalMode = Convert.ToString(connection.Scalar("PRAGMA journal_mode=WAL;"), CultureInfo.InvariantCulture);
            connection.Execute($"PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=OFF;");
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = SqliteSchema.Create;
                command.ExecuteNonQuery();
                AddMissingColumns(connection, transaction);
                transaction.Commit();
            }

            if (!_readsUseWriter)
            {
                // Checkpoints move off the writer's thread: see WalCheckpointer.
                connection.Execute("PRAGMA wal_autocheckpoint=0;");
                _checkpointer = new WalCheckpointer(_connectionString, LogCheckpointFailed);
            }

            _writer = connection;
            LogOpened(_dataSource, journalMode ?? "unknown", synchronous);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection Writer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _writer ?? throw new InvalidOperationException("The SQLite store is not initialized: call InitializeAsync first.");
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction, then wakes the waiters of the queues it wrote to.
    /// </summary>
    /// <remarks>
    /// Group commit: writes queue up, and whichever caller holds the gate runs every queued write in one
    /// transaction, each under its own savepoint, so a failing write rolls back alone and the others share
    /// one commit. The wait for the gate takes no cancellation: a queued write runs whatever its caller does,
    /// and the caller learns its outcome.
    /// </remarks>
    private async Task<T> WriteAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite<T>(work);
        _pendingWrites.Enqueue(write);
        await _writeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!write.IsDone)
            {
                RunBatch();
            }
        }
        finally
        {
            _writeGate.Release();
        }

        return await write.Task.ConfigureAwait(false);
    }

    private void RunBatch()
    {
        var batch = new List<PendingWrite>();
        while (batch.Count < MaxWritesPerCommit && _pendingWrites.TryDequeue(out var queued))
        {
            batch.Add(queued);
        }

        _orchestrationEnqueued = false;
        _activityEnqueued = false;
        try
        {
            using var transaction = Writer().BeginTransaction(deferred: false);
            _transaction = transaction;
            try
            {
                foreach (var write in batch)
                {
                    transaction.Save(WriteSavepoint);
                    try
                    {
                        write.Run();
                        transaction.Release(WriteSavepoint);
                    }
                    catch (Exception exception)
                    {
                        transaction.Rollback(WriteSavepoint);
                        transaction.Release(WriteSavepoint);
                        write.Fail(exception);
                    }
                }

                transaction.Commit();
                _checkpointer?.CountCommit();
            }
            finally
            {
                _transaction = null;
            }
        }
        catch (Exception exception)
        {
            // The transaction could not begin or commit: no write of the batch took effect.
            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            return;
        }

        if (_orchestrationEnqueued)
        {
            _orchestrationSignal.Set();
        }

        if (_activityEnqueued)
        {
            _activitySignal.Set();
        }

        foreach (var write in batch)
        {
            write.Publish();
        }
    }

    /// <summary>Gets the writer's prepared command for <paramref name="sql"/>, bound to the current transaction.</summary>
    private SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Writer().CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>Gets a one-off writer command for SQL built per call, bound to the current transaction.</summary>
    private SqliteCommand DynamicCommand()
    {
        var command = Writer().CreateCommand();
        command.Transaction = _transaction;
        return command;
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        if (_readsUseWriter)
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return read(Writer());
            }
            finally
            {
                _writeGate.Release();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        _ = Writer();
        var connection = RentReader();
        try
        {
            return read(connection);
        }
        finally
        {
            ReturnReader(connection);
        }
    }

    private SqliteConnection RentReader()
    {
        if (_readers.TryTake(out var connection))
        {
            return connection;
        }

        connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            connection.Execute($"PRAGMA busy_timeout={BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void ReturnReader(SqliteConnection connection)
    {
        _readers.Add(connection);
        if (_disposed)
        {
            CloseReaders();
        }
    }

    private void CloseReaders()
    {
        while (_readers.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
