namespace OpsFunctions.Durable.Storage;

/// <summary>
/// Tells waiters of one queue that this process enqueued work. A signal raised between two waits is not lost:
/// the next wait returns at once.
/// </summary>
public sealed class WorkSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;
    private long _observed;

    /// <summary>Raises the signal: wakes every current waiter and the next one to begin.</summary>
    public void Set()
    {
        TaskCompletionSource toComplete;
        lock (_gate)
        {
            _version++;
            toComplete = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        toComplete.TrySetResult();
    }

    /// <summary>Begins a wait.</summary>
    /// <returns>A completed task when the signal was raised since the previous wait began; else a task that completes when it is.</returns>
    public Task BeginWait()
    {
        lock (_gate)
        {
            if (_version != _observed)
            {
                _observed = _version;
                return Task.CompletedTask;
            }

            return _next.Task;
        }
    }
}
