namespace OpsFunctions.Durable.Sqlite;

/// <summary>A write waiting for the next group commit.</summary>
internal abstract class PendingWrite
{
    /// <summary>Gets a value indicating whether the write ran (or failed) in a batch.</summary>
    public abstract bool IsDone { get; }

    /// <summary>Runs the write inside the batch's transaction; its result is held until the commit.</summary>
    public abstract void Run();

    /// <summary>Reports a failure to the caller.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Reports the result to the caller once the batch has committed.</summary>
    public abstract void Publish();
}

internal sealed class PendingWrite<T>(Func<T> work) : PendingWrite
{
    // Callers resume on the thread pool, not inside the batch that holds the write gate.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private bool _ran;

    public Task<T> Task => _completion.Task;

    public override bool IsDone => _ran || _completion.Task.IsCompleted;

    public override void Run()
    {
        _result = work();
        _ran = true;
    }

    public override void Fail(Exception exception)
    {
        _ran = true;
        _completion.TrySetException(exception);
    }

    public override void Publish() => _completion.TrySetResult(_result!);
}
