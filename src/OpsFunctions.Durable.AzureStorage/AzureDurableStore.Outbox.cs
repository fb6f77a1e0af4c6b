using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The outbox: an episode's messages are committed on the instance head, sent after the commit, and cleared once sent.
/// </summary>
/// <remarks>
/// Clearing costs a table write, so it waits: an instance that runs its next episode on this host soon replaces the head,
/// outbox and all, and never needs it. Another host that finds an outbox younger than <see cref="OutboxGrace"/> waits for
/// its host to clear it; an older one belongs to a host that died, and is sent again (receivers drop duplicates by id).
/// </remarks>
public sealed partial class AzureDurableStore
{
    /// <summary>How long another host waits before sending an outbox it finds on a head.</summary>
    internal static readonly TimeSpan OutboxGrace = TimeSpan.FromSeconds(3);

    /// <summary>How long a sent outbox stays on its head before this host clears it.</summary>
    private static readonly TimeSpan ClearDelay = TimeSpan.FromSeconds(2);

    /// <summary>Heads whose outbox this host sent and has not cleared, by instance, with when they were sent.</summary>
    private readonly ConcurrentDictionary<string, (InstanceHead Head, DateTimeOffset SentAt)> _sentOutboxes = new(StringComparer.Ordinal);

    /// <summary>Instances whose sent outbox is being cleared; a lock waits for the clear, whose ETag it must commit against.</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _clearing = new(StringComparer.Ordinal);

    private static Outbox BuildOutbox(OrchestrationCommit commit, string incarnation)
    {
        var self = commit.Instance.InstanceId;
        var parts = new List<EnvelopePart>(commit.OrchestrationMessages.Count + commit.ActivityMessages.Count);
        foreach (var message in commit.OrchestrationMessages)
        {
            // A child's incarnation is known only once its head exists; replies to other instances carry execution ids.
            parts.Add(new EnvelopePart(HistorySerializer.Serialize(message), null, message.InstanceId == self ? incarnation : null));
        }

        foreach (var activity in commit.ActivityMessages)
        {
            parts.Add(new EnvelopePart(null, HistorySerializer.Serialize(activity), incarnation));
        }

        return new Outbox(parts);
    }

    /// <summary>Sends the messages of the outbox of <paramref name="head"/>, creating sub-orchestrations' heads first.</summary>
    private async Task SendOutboxMessagesAsync(InstanceHead head, CancellationToken cancellationToken)
    {
        var orchestration = new List<(OrchestrationMessage Message, string? Incarnation)>();
        var activities = new List<(ActivityMessage Message, string? Incarnation)>();
        foreach (var part in head.Outbox!.Parts)
        {
            if (part.Activity is { } activity)
            {
                activities.Add((HistorySerializer.DeserializeActivityMessage(activity), part.Incarnation));
                continue;
            }

            var message = HistorySerializer.DeserializeOrchestrationMessage(part.Orchestration!);
            var incarnation = message.Event is ExecutionStarted started && message.InstanceId != head.Record.InstanceId
                ? await EnsureChildHeadAsync(message.InstanceId, started, cancellationToken).ConfigureAwait(false)
                : part.Incarnation;
            orchestration.Add((message, incarnation));
        }

        await Task.WhenAll(
            SendOrchestrationMessagesAsync(orchestration, cancellationToken),
            SendActivityMessagesAsync(activities, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Clears the outbox on the head, checked against the head's ETag, so no host sends it again.</summary>
    private async Task<InstanceHead> ClearOutboxAsync(InstanceHead head, CancellationToken cancellationToken)
    {
        var cleared = head with { Outbox = null, OutboxBy = null, OutboxAt = null };
        var entity = await cleared.ToEntityAsync(_payloads, cancellationToken).ConfigureAwait(false);
        var response = await _table.UpdateEntityAsync(entity, new ETag(head.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return cleared.WithETag(response.Headers.ETag!.Value);
    }

    /// <summary>Creates a sub-orchestration's Pending head unless it exists; returns the incarnation to stamp its start with.</summary>
    private async Task<string> EnsureChildHeadAsync(string instanceId, ExecutionStarted started, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var record = new InstanceRecord(instanceId, started.Name)
        {
            CreatedAt = now,
            LastUpdatedAt = now,
            Input = started.Input,
            ParentInstanceId = started.Parent?.InstanceId,
            Tags = started.Tags,
        };
        var incarnation = Guid.NewGuid().ToString("N");
        var head = new InstanceHead(record with { Version = InstanceHead.FormatVersion(incarnation, 1) }, incarnation, 0, null, null, null);
        try
        {
            var response = await _table.AddEntityAsync(await head.ToEntityAsync(_payloads, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Remember(head.WithETag(response.Headers.ETag!.Value));
            return head.Incarnation;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            var existing = await ReadHeadAsync(instanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
            return existing?.Incarnation ?? head.Incarnation;
        }
    }

    private void RecordOutboxSent(InstanceHead head)
    {
        if (head.Outbox is null)
        {
            _sentOutboxes.TryRemove(head.Record.InstanceId, out _);
            return;
        }

        _sentOutboxes[head.Record.InstanceId] = (head, RealNow);
    }

    /// <summary>Whether this host sent the outbox on <paramref name="head"/> itself.</summary>
    private bool SentOutbox(InstanceHead head)
        => _sentOutboxes.TryGetValue(head.Record.InstanceId, out var sent) && sent.Head.ETag == head.ETag;

    /// <summary>Clears sent outboxes of instances that had no episode since; all of them when <paramref name="all"/>.</summary>
    private async Task ClearSentOutboxesAsync(bool all, CancellationToken cancellationToken)
    {
        var due = RealNow - ClearDelay;
        foreach (var (instanceId, sent) in _sentOutboxes)
        {
            if (!all && sent.SentAt > due)
            {
                continue;
            }

            // Announce the clear before checking the lock: a lock taken after the check then sees the clear and waits.
            var clearing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _clearing[instanceId] = clearing;
            if (_controlBuffer.IsLocked(instanceId))
            {
                _clearing.TryRemove(instanceId, out _);
                clearing.TrySetResult();
                continue;
            }

            try
            {
                var cleared = await ClearOutboxAsync(sent.Head, cancellationToken).ConfigureAwait(false);
                if (_heads.TryGetValue(instanceId, out var cached) && cached.ETag == sent.Head.ETag)
                {
                    Remember(cleared);
                }
            }
            catch (RequestFailedException exception) when (exception.Status is 412 or 404)
            {
                // A later episode replaced the head, outbox and all, or the instance is gone.
            }
            finally
            {
                _sentOutboxes.TryRemove(KeyValuePair.Create(instanceId, sent));
                _clearing.TryRemove(instanceId, out _);
                clearing.TrySetResult();
            }
        }
    }

    /// <summary>Waits for a clear of the instance's outbox in progress, so the lock reads the head it wrote.</summary>
    private async Task AwaitClearAsync(string instanceId)
    {
        if (_clearing.TryGetValue(instanceId, out var clearing))
        {
            await clearing.Task.ConfigureAwait(false);
        }
    }

    private async Task ClearSentOutboxesLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(ClearDelay / 2, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            try
            {
                await ClearSentOutboxesAsync(all: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Tried again on the next round; the loop must outlive a failed or timed-out request.
                LogPollFailed(WorkItemKind.Orchestration, 0, exception.GetType().Name + ": " + exception.Message);
            }
        }
    }
}
