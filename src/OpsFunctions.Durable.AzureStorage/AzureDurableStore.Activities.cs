using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Activity work items.
/// </summary>
public sealed partial class AzureDurableStore
{
    /// <inheritdoc/>
    /// <remarks>An activity of an instance that has ended or was created again since is dropped, not run.</remarks>
    public async Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        _lease = lease;
        EnsurePolling(WorkItemKind.Activity);
        while (_activityBuffer.TryLock(lease) is { } locked)
        {
            var (held, dequeueCount) = locked;
            if (await IsCurrentAsync(held, cancellationToken).ConfigureAwait(false))
            {
                return new ActivityWorkItem(held.Id, held.LockToken!, held.Message, dequeueCount) { StoreState = held };
            }

            LogActivityDropped(held.Message.InstanceId, held.Message.Name, held.Message.TaskId);
            if (_activityBuffer.Remove(held) is { } done)
            {
                DeleteInBackground([done]);
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        if (workItem.StoreState is not HeldMessage<ActivityMessage> held || !_activityBuffer.Renew(held, workItem.LockToken, lease))
        {
            return false;
        }

        // False when another host took the message after this one failed to keep it invisible.
        return await held.Physical.TryHideAsync(lease, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The response is sent before the request is deleted: a crash in between runs the activity again, and the instance
    /// drops the second response by its task id. A lock lost to another host is found only at the delete, after the send.
    /// </remarks>
    public async Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(response);
        if (workItem.StoreState is not HeldMessage<ActivityMessage> held || !_activityBuffer.HoldsLock(held, workItem.LockToken))
        {
            return false;
        }

        await SendOrchestrationMessagesAsync([(response, held.Incarnation)], cancellationToken).ConfigureAwait(false);
        if (_activityBuffer.Remove(held) is { } done)
        {
            DeleteInBackground([done]);
        }

        return true;
    }

    /// <inheritdoc/>
    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        if (workItem.StoreState is HeldMessage<ActivityMessage> held && _activityBuffer.Abandon(held, workItem.LockToken, retryAfter) && retryAfter <= TimeSpan.Zero)
        {
            _activitySignal.Set();
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the activity's instance still runs the incarnation that scheduled it.</summary>
    private async Task<bool> IsCurrentAsync(HeldMessage<ActivityMessage> held, CancellationToken cancellationToken)
    {
        if (held.Incarnation is not { } incarnation)
        {
            return true;
        }

        var head = _heads.TryGetValue(held.Message.InstanceId, out var cached)
            ? cached
            : await ReadHeadAsync(held.Message.InstanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
        return head is not null && head.Incarnation == incarnation && !head.IsEnded;
    }
}
