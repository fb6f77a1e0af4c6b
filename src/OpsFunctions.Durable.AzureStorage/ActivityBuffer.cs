using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The activity requests this host holds, each with its own lock judged by the store's clock.
/// </summary>
internal sealed class ActivityBuffer(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly List<HeldMessage<ActivityMessage>> _messages = [];
    private readonly Dictionary<string, PhysicalMessage> _physicals = new(StringComparer.Ordinal);
    private long _sequence;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public bool Add(PhysicalMessage physical, IReadOnlyList<(ActivityMessage Message, string? Incarnation)> parts)
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
                _messages.Add(new HeldMessage<ActivityMessage>(physical, i, parts[i].Message, parts[i].Incarnation, now, ++_sequence));
            }

            return true;
        }
    }

    public (HeldMessage<ActivityMessage> Message, int DequeueCount)? TryLock(TimeSpan lease)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            foreach (var message in _messages)
            {
                if (message.NotBefore <= now && (message.LockToken is null || message.LockExpiresAt <= now))
                {
                    message.LockToken = Guid.NewGuid().ToString("N");
                    message.LockExpiresAt = now + lease;
                    return (message, message.Take());
                }
            }

            return null;
        }
    }

    /// <summary>Whether an activity of the instance is held and not lost to another host.</summary>
    public bool Holds(string instanceId)
    {
        lock (_gate)
        {
            return _messages.Exists(m => !m.Physical.Lost && string.Equals(m.Message.InstanceId, instanceId, StringComparison.Ordinal));
        }
    }

    public bool Renew(HeldMessage<ActivityMessage> message, string lockToken, TimeSpan lease)
    {
        lock (_gate)
        {
            if (message.LockToken != lockToken || !_messages.Contains(message))
            {
                return false;
            }

            message.LockExpiresAt = timeProvider.GetUtcNow() + lease;
            return true;
        }
    }

    public bool HoldsLock(HeldMessage<ActivityMessage> message, string lockToken)
    {
        lock (_gate)
        {
            return message.LockToken == lockToken && _messages.Contains(message);
        }
    }

    /// <summary>Removes a message; returns its queue message when that is now fully consumed.</summary>
    public PhysicalMessage? Remove(HeldMessage<ActivityMessage> message)
    {
        lock (_gate)
        {
            if (!_messages.Remove(message) || --message.Physical.Remaining > 0)
            {
                return null;
            }

            _physicals.Remove(message.Physical.MessageId);
            return message.Physical;
        }
    }

    public bool Abandon(HeldMessage<ActivityMessage> message, string lockToken, TimeSpan retryAfter)
    {
        lock (_gate)
        {
            if (message.LockToken != lockToken)
            {
                return false;
            }

            message.LockToken = null;
            message.NotBefore = timeProvider.GetUtcNow() + retryAfter;
            return true;
        }
    }

    public DateTimeOffset? NextDue()
    {
        DateTimeOffset? next = null;
        lock (_gate)
        {
            foreach (var message in _messages)
            {
                var due = message.LockToken is null ? message.NotBefore : message.LockExpiresAt;
                next = next is { } value && value <= due ? value : due;
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
}
