using Microsoft.Extensions.Options;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Recently active orchestrations kept in memory, so an episode does not replay from zero. Bounded by
/// count (least recently used leaves first) and by idle time. A session is taken out while an episode
/// runs, so no two episodes share one.
/// </summary>
internal sealed class OrchestrationCache
{
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

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Takes the session of <paramref name="instanceId"/> if it reflects <paramref name="version"/>.</summary>
    public OrchestrationSession? TryTake(string instanceId, string? version)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(instanceId, out var node))
            {
                return null;
            }

            _byRecency.Remove(node);
            var fresh = _timeProvider.GetElapsedTime(node.Value.LastUsedTimestamp) <= _idleTimeout;
            return fresh && string.Equals(node.Value.Version, version, StringComparison.Ordinal) ? node.Value : null;
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
