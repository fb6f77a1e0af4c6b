using Microsoft.Data.Sqlite;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on a connection of its own, every so many commits.
/// </summary>
/// <remarks>
/// SQLite's automatic checkpoint runs inside a commit, with an fsync, on the writer's thread: the one thread
/// every write waits for. A passive checkpoint here never blocks the writer; it copies what no reader still needs.
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private const int CommitsPerCheckpoint = 64;

    private readonly string _connectionString;
    private readonly Action<Exception> _onError;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _commits;

    public WalCheckpointer(string connectionString, Action<Exception> onError)
    {
        _connectionString = connectionString;
        _onError = onError;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Counts a commit; every <see cref="CommitsPerCheckpoint"/>th asks for a checkpoint.</summary>
    public void CountCommit()
    {
        if (Interlocked.Increment(ref _commits) % CommitsPerCheckpoint == 0 && _due.CurrentCount == 0)
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // A checkpoint is already due: one run covers both requests.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _due.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(_stop.Token).ConfigureAwait(false);
            connection.Execute("PRAGMA busy_timeout=5000;");
            while (true)
            {
                await _due.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    connection.Execute("PRAGMA wal_checkpoint(PASSIVE);");
                }
                catch (SqliteException exception)
                {
                    _onError(exception);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _onError(exception);
        }
    }
}
