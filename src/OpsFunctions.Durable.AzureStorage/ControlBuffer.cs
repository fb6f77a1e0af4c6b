using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The orchestration messages this host holds, by instance, with the instance locks of its workers.
/// </summary>
/// <remarks>
/// Locks and visibility are judged by the store's clock, so a fake clock drives them in tests; the queue's own
/// invisibility, on the real clock, only keeps other hosts away while this host holds the messages.
/// </remarks>
internal sealed class ControlBuffer(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Slot> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PhysicalMessage> _physicals = new(StringComparer.Ordinal);
    private long _sequence;

    public int PhysicalCount
    {
        get
        {
            lock (_gate)
            {
                return _physicals.Count;
            }
        }
    }

    /// <summary>Adds the messages of a queue message; <see langword="false"/> when it is held already (its receipt is refreshed).</summary>
    public bool Add(PhysicalMessage physical, IReadOnlyList<(OrchestrationMessage Message, string? Incarnation)> parts)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!PhysicalMessage.TryAdd(_physicals, physical))
            {
                return false;
            }

            for (var i = 0; i < parts.Count; i++)
            {
                var (message, incarnation) = parts[i];
                if (!_instances.TryGetValue(message.InstanceId, out var slot))
                {
                    slot = new Slot();
                    _instances[message.InstanceId] = slot;
                }

                slot.Messages.Add(new HeldMessage<OrchestrationMessage>(physical, i, message, incarnation, message.VisibleAt ?? now, ++_sequence));
            }

            return true;
        }
    }

    /// <summary>Locks the instance whose oldest visible message came first, taking up to <paramref name="maxMessages"/> of its visible messages.</summary>
    public (string InstanceId, string LockToken, IReadOnlyList<(HeldMessage<OrchestrationMessage> Message, int DequeueCount)> Messages)? TryLock(TimeSpan lease, int maxMessages)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            string? best = null;
            long bestSequence = long.MaxValue;
            foreach (var (instanceId, slot) in _instances)
            {
                if (slot.LockToken is not null && slot.LockExpiresAt > now)
                {
                    continue;
                }

                foreach (var message in slot.Messages)
                {
                    if (message.NotBefore <= now && message.Sequence < bestSequence)
                    {
                        best = instanceId;
                        bestSequence = message.Sequence;
                    }
                }
            }

            if (best is null)
            {
                return null;
            }

            var chosen = _instances[best];
            chosen.LockToken = Guid.NewGuid().ToString("N");
            chosen.LockExpiresAt = now + lease;
            var taken = chosen.Messages.Where(m => m.NotBefore <= now).OrderBy(m => m.Sequence).Take(maxMessages).ToArray();
            chosen.Taken = taken;
            return (best, chosen.LockToken, taken.Select(m => (m, m.Take())).ToArray());
        }
    }

    /// <summary>Whether a message of the instance is held and not lost to another host.</summary>
    public bool Holds(string instanceId)
    {
        lock (_gate)
        {
            return _instances.TryGetValue(instanceId, out var slot) && slot.Messages.Exists(m => !m.Physical.Lost);
        }
    }

    public bool IsLocked(string instanceId)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            return _instances.TryGetValue(instanceId, out var slot) && slot.LockToken is not null && slot.LockExpiresAt > now;
        }
    }

    public bool HoldsLock(string instanceId, string lockToken)
    {
        lock (_gate)
        {
            return _instances.TryGetValue(instanceId, out var slot) && slot.LockToken == lockToken;
        }
    }

    /// <summary>Removes consumed messages, and releases the lock if asked; returns the queue messages now fully consumed.</summary>
    public IReadOnlyList<PhysicalMessage> Consume(string instanceId, string lockToken, IEnumerable<string> messageIds, bool release)
    {
        var done = new List<PhysicalMessage>();
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var slot) || slot.LockToken != lockToken)
            {
                return done;
            }

            var ids = messageIds.ToHashSet(StringComparer.Ordinal);
            slot.Messages.RemoveAll(message =>
            {
                if (!ids.Contains(message.Id))
                {
                    return false;
                }

                if (--message.Physical.Remaining == 0)
                {
                    _physicals.Remove(message.Physical.MessageId);
                    done.Add(message.Physical);
                }

                return true;
            });
            if (release)
            {
                ReleaseLocked(instanceId, slot);
            }
        }

        return done;
    }

    /// <summary>Releases the lock; the taken messages come back after <paramref name="retryAfter"/>.</summary>
    public void Abandon(string instanceId, string lockToken, TimeSpan retryAfter)
    {
        var notBefore = timeProvider.GetUtcNow() + retryAfter;
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var slot) || slot.LockToken != lockToken)
            {
                return;
            }

            foreach (var message in slot.Taken)
            {
                message.NotBefore = notBefore > message.NotBefore ? notBefore : message.NotBefore;
            }

            ReleaseLocked(instanceId, slot);
        }
    }

    /// <summary>Gets the earliest time a held message becomes visible or a lock with messages expires, if later than now.</summary>
    public DateTimeOffset? NextDue()
    {
        var now = timeProvider.GetUtcNow();
        DateTimeOffset? next = null;
        lock (_gate)
        {
            foreach (var slot in _instances.Values)
            {
                if (slot.LockToken is not null && slot.LockExpiresAt > now)
                {
                    next = Earliest(next, slot.LockExpiresAt);
                    continue;
                }

                foreach (var message in slot.Messages)
                {
                    next = Earliest(next, message.NotBefore);
                }
            }
        }

        return next;
    }

    public IReadOnlyList<PhysicalMessage> Physicals()
    {
        lock (_gate)
        {
            return [.. _physicals.Values];
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? current, DateTimeOffset candidate)
        => current is { } value && value <= candidate ? value : candidate;

    private void ReleaseLocked(string instanceId, Slot slot)
    {
        slot.LockToken = null;
        slot.Taken = [];
        if (slot.Messages.Count == 0)
        {
            _instances.Remove(instanceId);
        }
    }

    private sealed class Slot
    {
        public List<HeldMessage<OrchestrationMessage>> Messages { get; } = [];

        public string? LockToken { get; set; }

        public DateTimeOffset LockExpiresAt { get; set; }

        public IReadOnlyList<HeldMessage<OrchestrationMessage>> Taken { get; set; } = [];
    }
}
