namespace OpsFunctions.Durable.Execution;

/// <summary>
/// Runs every continuation of orchestrator code on the thread that pumps it, in the order posted,
/// so replay is deterministic.
/// </summary>
internal sealed class ReplaySynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private int _ownerThreadId;

    /// <summary>Gets the error recorded when orchestrator code continued on another thread.</summary>
    public string? Violation { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId != Volatile.Read(ref _ownerThreadId))
        {
            // Orchestrator code awaited something that did not come from its context (Task.Delay, I/O,
            // CancelAsync, ConfigureAwait(false)): its continuation would run outside replay. The executor
            // fails the instance with this message rather than run it nondeterministically.
            Violation = "Orchestrator code awaited a task that did not come from the orchestration context, so it resumed outside replay. " +
                "Use context.CreateTimer, context.CallActivityAsync and context.WaitForExternalEvent, and CancellationTokenSource.Cancel rather than CancelAsync.";
            return;
        }

        _queue.Enqueue((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Orchestrator code cannot block on the replay scheduler.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> and then every continuation it queued, on this thread.</summary>
    public void Run(Action action)
    {
        var previous = Current;
        Volatile.Write(ref _ownerThreadId, Environment.CurrentManagedThreadId);
        SetSynchronizationContext(this);
        try
        {
            action();
            while (_queue.TryDequeue(out var item))
            {
                item.Callback(item.State);
            }
        }
        finally
        {
            Volatile.Write(ref _ownerThreadId, 0);
            SetSynchronizationContext(previous);
        }
    }
}
