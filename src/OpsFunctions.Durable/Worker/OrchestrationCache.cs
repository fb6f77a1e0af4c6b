using Microsoft.Extensions.Options;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Recently active orchestrations kept in memory, so an episode does not replay from zero. Bounded by
/// count (least recently used leaves first) and by idle time. A session is taken out while an episode
/// runs, so no two episodes share one.
/// </summary>
internal sealed class OrchestrationCache
{
    private const int MaxCommitWaitMilliseconds = 100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<OrchestrationSession>> _sessions = new(StringComparer.Ordinal);
    private readonly LinkedList<OrchestrationSession> _byRecency = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _capacity;
    private readonly TimeSpan _idleTimeout;

    public OrchestrationCache(IOptions<DurableTaskOptions> options, TimeProvider timeProvider)
    {
        _capacity = options.Value.MaxCachedOrchestrations;
        _idleTimeout = options.Value.CachedOrchestrationIdleTimeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Takes the session of <paramref name="instanceId"/> if it reflects <paramref name="version"/>.</summary>
    public OrchestrationSession? TryTake(string instanceId, string? version)
    {
        OrchestrationSession session;
        lock (_lock)
        {
            if (!_sessions.Remove(instanceId, out var node))
            {
                return null;
            }

            _byRecency.Remove(node);
            session = node.Value;
        }

        // The previous episode's commit has landed (this work item could not be locked otherwise) but its worker
        // may not have recorded the new version yet: a matter of microseconds.
        // Real time bounds the spin, whatever clock the engine runs on.
        var spin = default(SpinWait);
        var waitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        while (session.IsCommitting && System.Diagnostics.Stopwatch.GetElapsedTime(waitStarted).TotalMilliseconds < MaxCommitWaitMilliseconds)
        {
            spin.SpinOnce();
        }

        var fresh = _timeProvider.GetElapsedTime(session.LastUsedTimestamp) <= _idleTimeout;
        return !session.IsCommitting && fresh && string.Equals(session.Version, version, StringComparison.Ordinal) ? session : null;
    }

    /// <summary>Removes the session of <paramref name="instanceId"/> if it is <paramref name="session"/>.</summary>
    public void Remove(string instanceId, OrchestrationSession session)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(instanceId, out var node) && node.Value == session)
            {
                _sessions.Remove(instanceId);
                _byRecency.Remove(node);
            }
        }
    }

    public void Put(OrchestrationSession session)
    {
        if (_capacity == 0)
        {
            return;
        }

        session.LastUsedTimestamp = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            if (_sessions.Remove(session.InstanceId, out var existing))
            {
                _byRecency.Remove(existing);
            }

            _sessions[session.InstanceId] = _byRecency.AddFirst(session);
            while (_sessions.Count > _capacity || IsIdle(_byRecency.Last))
            {
                var oldest = _byRecency.Last!;
                _byRecency.RemoveLast();
                _sessions.Remove(oldest.Value.InstanceId);
            }
        }
    }

    private bool IsIdle(LinkedListNode<OrchestrationSession>? node)
        => node is not null && _timeProvider.GetElapsedTime(node.Value.LastUsedTimestamp) > _idleTimeout;
}
