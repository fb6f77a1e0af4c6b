namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Wakes in-process clients waiting on an instance as soon as a worker commits a change to it, so waits
/// do not depend on polling.
/// </summary>
internal sealed class InstanceChangeNotifier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers for the next change of <paramref name="instanceId"/>; register before reading state.
    /// Dispose the registration when done waiting, so instances that never change again hold nothing.
    /// </summary>
    public Registration WaitForChange(string instanceId)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_waiters.TryGetValue(instanceId, out var list))
            {
                list = [];
                _waiters.Add(instanceId, list);
            }

            list.Add(waiter);
        }

        return new Registration(this, instanceId, waiter);
    }

    public void Notify(string instanceId)
    {
        List<TaskCompletionSource>? waiters;
        lock (_lock)
        {
            if (!_waiters.Remove(instanceId, out waiters))
            {
                return;
            }
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Gets the number of instances with waiters, for tests.</summary>
    internal int WatchedInstances
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    private void Forget(string instanceId, TaskCompletionSource waiter)
    {
        lock (_lock)
        {
            if (_waiters.TryGetValue(instanceId, out var list) && list.Remove(waiter) && list.Count == 0)
            {
                _waiters.Remove(instanceId);
            }
        }
    }

    /// <summary>One client's wait for the next change of one instance.</summary>
    internal readonly struct Registration(InstanceChangeNotifier notifier, string instanceId, TaskCompletionSource waiter) : IDisposable
    {
        public Task Changed => waiter.Task;

        public void Dispose() => notifier.Forget(instanceId, waiter);
    }
}
