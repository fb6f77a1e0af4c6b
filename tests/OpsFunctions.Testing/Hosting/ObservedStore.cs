using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Testing.Hosting;

/// <summary>
/// A store decorator that tells when the engine is idle: no work item in flight, and each dispatcher
/// found its queue empty after the last change that could have put work there (a write to that queue,
/// a released lock, or the clock moving).
/// </summary>
internal sealed class ObservedStore(IDurableStore inner) : IDurableStore
{
    private long _orchestrationChanges;
    private long _activityChanges;
    private long _inFlight;
    private long _orchestrationPolledAt = -1;
    private long _orchestrationEmptyAt = -1;
    private long _activityPolledAt = -1;
    private long _activityEmptyAt = -1;
    private TaskCompletionSource _wake = NewWake();

    public bool IsIdle
        => Interlocked.Read(ref _inFlight) == 0
            && Interlocked.Read(ref _orchestrationEmptyAt) >= Interlocked.Read(ref _orchestrationChanges)
            && Interlocked.Read(ref _activityEmptyAt) >= Interlocked.Read(ref _activityChanges);

    public string Describe()
        => $"{Interlocked.Read(ref _inFlight)} work item(s) in flight; orchestration queue changed {Interlocked.Read(ref _orchestrationChanges)} times, " +
           $"last found empty after change {Interlocked.Read(ref _orchestrationEmptyAt)}; activity queue changed {Interlocked.Read(ref _activityChanges)} times, " +
           $"last found empty after change {Interlocked.Read(ref _activityEmptyAt)}";

    /// <summary>Marks the clock as about to move: both queues must be polled again before the engine counts as idle.</summary>
    public void MarkTimeChanged() => Changed(orchestrations: true, activities: true);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public async Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken)
    {
        await inner.CreateInstanceAsync(instance, startMessage, cancellationToken);
        Changed(orchestrations: true, activities: false);
    }

    public async Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken)
    {
        var status = await inner.SendMessageAsync(message, cancellationToken);
        Changed(orchestrations: true, activities: false);
        return status;
    }

    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
        => inner.GetInstanceAsync(instanceId, includePayloads, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
        => inner.QueryInstancesAsync(filter, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
        => inner.ReadHistoryAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
        => inner.PurgeInstancesAsync(filter, cancellationToken);

    public async Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _orchestrationChanges);
        Interlocked.Exchange(ref _orchestrationPolledAt, generation);
        var workItem = await inner.TryLockOrchestrationAsync(lease, maxMessages, cancellationToken);
        Track(workItem, ref _orchestrationEmptyAt, generation);
        return workItem;
    }

    public async Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);
        }
        finally
        {
            Done(orchestrations: true, activities: commit.ActivityMessages.Count > 0);
        }
    }

    public async Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        try
        {
            await inner.AbandonOrchestrationAsync(workItem, retryAfter, cancellationToken);
        }
        finally
        {
            Done(orchestrations: true, activities: false);
        }
    }

    public async Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _activityChanges);
        Interlocked.Exchange(ref _activityPolledAt, generation);
        var workItem = await inner.TryLockActivityAsync(lease, cancellationToken);
        Track(workItem, ref _activityEmptyAt, generation);
        return workItem;
    }

    public Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken)
        => inner.RenewActivityLockAsync(workItem, lease, cancellationToken);

    public async Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.CompleteActivityAsync(workItem, response, cancellationToken);
        }
        finally
        {
            Done(orchestrations: true, activities: false);
        }
    }

    public async Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        try
        {
            await inner.AbandonActivityAsync(workItem, retryAfter, cancellationToken);
        }
        finally
        {
            Done(orchestrations: false, activities: true);
        }
    }

    public async Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var wake = Volatile.Read(ref _wake).Task;
        var (polledAt, changes) = kind == WorkItemKind.Orchestration
            ? (Interlocked.Read(ref _orchestrationPolledAt), Interlocked.Read(ref _orchestrationChanges))
            : (Interlocked.Read(ref _activityPolledAt), Interlocked.Read(ref _activityChanges));
        if (polledAt != changes)
        {
            // Something changed since this queue was last polled: poll again rather than sleep.
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = inner.WaitForWorkAsync(kind, maxWait, stop.Token);
        await Task.WhenAny(waiting, wake);
        await stop.CancelAsync();
        try
        {
            await waiting;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Track(object? workItem, ref long emptyAt, long generation)
    {
        if (workItem is null)
        {
            InterlockedMax(ref emptyAt, generation);
        }
        else
        {
            Interlocked.Increment(ref _inFlight);
        }
    }

    private void Done(bool orchestrations, bool activities)
    {
        // Count the change before the item leaves flight, so there is no moment that looks idle in between.
        Changed(orchestrations, activities);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>
    /// Counts a change and wakes every waiting dispatcher: the store's own signal may have fired before the
    /// change was counted, and a dispatcher that polled in between must not sleep through it.
    /// </summary>
    private void Changed(bool orchestrations, bool activities)
    {
        if (orchestrations)
        {
            Interlocked.Increment(ref _orchestrationChanges);
        }

        if (activities)
        {
            Interlocked.Increment(ref _activityChanges);
        }

        Interlocked.Exchange(ref _wake, NewWake()).TrySetResult();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (current >= value)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }
}
