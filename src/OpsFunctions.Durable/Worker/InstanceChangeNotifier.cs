using System.Collections.Concurrent;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Wakes in-process clients waiting on an instance as soon as a worker commits a change to it, so waits
/// do not depend on polling.
/// </summary>
internal sealed class InstanceChangeNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>Gets a task that completes at the next change of <paramref name="instanceId"/>; ask before reading state.</summary>
    public Task WaitForChange(string instanceId)
        => _waiters.GetOrAdd(instanceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string instanceId)
    {
        if (_waiters.TryRemove(instanceId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
