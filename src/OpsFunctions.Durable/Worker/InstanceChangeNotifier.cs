using OpsFunctions.Durable.Storage;
namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Wakes in-process clients waiting on an instance as soon as a worker commits a change to it, so waits
/// do not depend on polling.
/// </summary>
internal sealed class InstanceChangeNotifier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Watch>> _watches = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts watching <paramref name="instanceId"/>; start before reading state, so no commit after the read is missed.
    /// Dispose the watch when done waiting, so instances that never change again hold nothing.
    /// </summary>
    public Watch StartWatch(string instanceId)
    {
        var watch = new Watch(this, instanceId);
        lock (_lock)
        {
            if (!_watches.TryGetValue(instanceId, out var list))
            {
                list = [];
                _watches.Add(instanceId, list);
            }

            list.Add(watch);
        }

        return watch;
    }

    /// <summary>Tells the watches of an instance the record it was committed with.</summary>
    public void Notify(InstanceRecord committed)
    {
        Watch[] watches;
        lock (_lock)
        {
            if (!_watches.TryGetValue(committed.InstanceId, out var list))
            {
                return;
            }

            watches = [.. list];
        }

        foreach (var watch in watches)
        {
            watch.Changed(committed);
        }
    }

    /// <summary>Gets the number of instances with watches, for tests.</summary>
    internal int WatchedInstances
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    private void Forget(Watch watch)
    {
        lock (_lock)
        {
            if (_watches.TryGetValue(watch.InstanceId, out var list) && list.Remove(watch) && list.Count == 0)
            {
                _watches.Remove(watch.InstanceId);
            }
        }
    }

    /// <summary>One client's watch on one instance: every commit from its start on is seen, none twice.</summary>
    internal sealed class Watch(InstanceChangeNotifier notifier, string instanceId) : IDisposable
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource<InstanceRecord>? _waiting;
        private InstanceRecord? _unseen;

        public string InstanceId { get; } = instanceId;

        /// <summary>Gets the record of the next commit not seen yet; at once when one came since the last call.</summary>
        public Task<InstanceRecord> NextChangeAsync()
        {
            lock (_gate)
            {
                if (_unseen is { } record)
                {
                    _unseen = null;
                    return Task.FromResult(record);
                }

                _waiting ??= new TaskCompletionSource<InstanceRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
                return _waiting.Task;
            }
        }

        public void Dispose() => notifier.Forget(this);

        internal void Changed(InstanceRecord committed)
        {
            TaskCompletionSource<InstanceRecord>? waiting;
            lock (_gate)
            {
                waiting = _waiting;
                _waiting = null;
                if (waiting is null)
                {
                    _unseen = committed;
                }
            }

            waiting?.TrySetResult(committed);
        }
    }
}
