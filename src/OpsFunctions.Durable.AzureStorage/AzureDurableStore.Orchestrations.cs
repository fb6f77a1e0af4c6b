using Azure;
using Azure.Data.Tables;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Orchestration work items: lock, commit, abandon, and the outbox that makes a commit's messages survive a crash.
/// </summary>
public sealed partial class AzureDurableStore
{
    private const int MaxEntitiesPerTransaction = 100;
    private const int MaxTransactionChars = 1_500_000;

    /// <inheritdoc/>
    public async Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken)
    {
        // Only held messages are locked: this host's own sends are held at once, and the poller brings other hosts' in.
        _lease = lease;
        EnsurePolling(WorkItemKind.Orchestration);
        while (_controlBuffer.TryLock(lease, maxMessages) is { } locked)
        {
            var item = await PrepareAsync(locked.InstanceId, locked.LockToken, locked.Messages, cancellationToken).ConfigureAwait(false);
            if (item is not null)
            {
                return item;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(commit);
        var instanceId = workItem.InstanceId;
        if (workItem.StoreState is not LockedState locked || !_controlBuffer.HoldsLock(instanceId, workItem.LockToken))
        {
            throw new StoreConflictException($"Instance '{instanceId}' was locked again since the work item was locked.");
        }

        if (workItem.Instance?.Version != locked.Head.Record.Version)
        {
            throw new StoreConflictException($"Instance '{instanceId}' is at another version than the work item's.");
        }

        var historyStart = commit.ReplaceHistory ? 0 : locked.Head.HistoryCount;
        var outbox = BuildOutbox(commit, locked.Head.Incarnation);
        var sequence = locked.Head.Sequence + 1;
        var head = new InstanceHead(
            commit.Instance with { Version = InstanceHead.FormatVersion(locked.Head.Incarnation, sequence) },
            locked.Head.Incarnation,
            historyStart + commit.NewEvents.Count,
            outbox.Parts.Count == 0 ? null : outbox,
            _hostId,
            _timeProvider.GetUtcNow())
        {
            ETag = locked.Head.ETag,
            Sequence = sequence,
        };
        var etag = await WriteEpisodeAsync(head, workItem.LockToken, historyStart, commit.NewEvents, cancellationToken).ConfigureAwait(false);
        head = head.WithETag(etag);

        if (head.Outbox is not null)
        {
            await SendOutboxMessagesAsync(head, cancellationToken).ConfigureAwait(false);
        }

        Remember(head);
        RecordOutboxSent(head);
        DeleteInBackground(_controlBuffer.Consume(instanceId, workItem.LockToken, workItem.Messages.Select(m => m.MessageId), release: true));

        // Messages that arrived during the episode are lockable now that the lock is gone.
        _orchestrationSignal.Set();
        return head.Record.Version!;
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        _controlBuffer.Abandon(workItem.InstanceId, workItem.LockToken, retryAfter);
        if (retryAfter <= TimeSpan.Zero)
        {
            _orchestrationSignal.Set();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads the head of a locked instance and drops what must not reach the engine: messages to an instance with no head,
    /// or stamped with an older incarnation. Finishes the outbox of a commit whose host died before sending it.
    /// </summary>
    private async Task<OrchestrationWorkItem?> PrepareAsync(
        string instanceId, string lockToken, IReadOnlyList<(HeldMessage<OrchestrationMessage> Message, int DequeueCount)> taken, CancellationToken cancellationToken)
    {
        await AwaitClearAsync(instanceId).ConfigureAwait(false);
        var head = _heads.TryGetValue(instanceId, out var cached) && !cached.IsEnded
            ? cached
            : await ReadHeadAsync(instanceId, includePayloads: true, cancellationToken).ConfigureAwait(false);
        var stale = taken.Where(t => head is null || (t.Message.Incarnation is { } incarnation && incarnation != head.Incarnation)).ToArray();
        if (stale.Length > 0)
        {
            LogMessagesDropped(instanceId, stale.Length, head is null ? "the instance does not exist" : "the instance was created again since they were sent");
            DeleteInBackground(_controlBuffer.Consume(instanceId, lockToken, stale.Select(s => s.Message.Id), release: stale.Length == taken.Count));
            if (stale.Length == taken.Count)
            {
                return null;
            }
        }

        if (head!.Outbox is not null && !SentOutbox(head) && !HoldsOwnStart(head, taken))
        {
            var age = _timeProvider.GetUtcNow() - (head.OutboxAt ?? default);
            if (head.OutboxBy != _hostId && age < OutboxGrace)
            {
                // The committing host may still be sending, or about to clear what it sent: give it the grace first.
                _controlBuffer.Abandon(instanceId, lockToken, OutboxGrace - age);
                return null;
            }

            LogOutboxRecovered(instanceId, head.Outbox.Parts.Count, head.OutboxBy ?? "(unknown)");
            try
            {
                await SendOutboxMessagesAsync(head, cancellationToken).ConfigureAwait(false);
                head = await ClearOutboxAsync(head, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status == 412)
            {
                _heads.TryRemove(instanceId, out _);
                _controlBuffer.Abandon(instanceId, lockToken, TimeSpan.Zero);
                return null;
            }

            Remember(head);
        }

        var messages = taken.Except(stale).Select(t => new QueuedMessage(t.Message.Id, t.Message.Message, t.DequeueCount)).ToArray();
        return new OrchestrationWorkItem(instanceId, lockToken, messages, head.Record) { StoreState = new LockedState(head) };
    }

    /// <summary>Whether the outbox is only the start a create left on the head, and the lock holds that start: it was sent.</summary>
    private static bool HoldsOwnStart(InstanceHead head, IReadOnlyList<(HeldMessage<OrchestrationMessage> Message, int DequeueCount)> taken)
    {
        if (head.Record.Status != OrchestrationRuntimeStatus.Pending || head.Outbox!.Parts is not [{ Orchestration: { } json }])
        {
            return false;
        }

        return HistorySerializer.DeserializeOrchestrationMessage(json).Event is ExecutionStarted start
            && taken.Any(t => t.Message.Message.Event is ExecutionStarted held && held.ExecutionId == start.ExecutionId);
    }

    /// <summary>Writes history rows, then the head checked against the locked ETag: the head is the commit point.</summary>
    private async Task<ETag> WriteEpisodeAsync(InstanceHead head, string lockToken, int historyStart, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        var instanceId = head.Record.InstanceId;
        var key = KeyEncoder.Encode(instanceId);
        var rows = new List<TableTransactionAction>(events.Count + 1);
        var chars = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var json = HistorySerializer.Serialize(events[i]);
            var row = new TableEntity(key, HistoryRowKey(historyStart + i));
            if (json.Length > AzureStorageConstants.MaxPropertyChars)
            {
                row["EBlob"] = await _payloads.UploadAsync(instanceId, json, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                row["E"] = json;
                chars += json.Length;
            }

            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }

        var headEntity = await head.ToEntityAsync(_payloads, cancellationToken).ConfigureAwait(false);
        var headAction = new TableTransactionAction(TableTransactionActionType.UpdateReplace, headEntity, new ETag(head.ETag));
        try
        {
            if (rows.Count < MaxEntitiesPerTransaction && chars < MaxTransactionChars)
            {
                // One transaction: history and head land together.
                rows.Add(headAction);
                var responses = await _table.SubmitTransactionAsync(rows, cancellationToken).ConfigureAwait(false);
                return responses.Value[^1].Headers.ETag!.Value;
            }

            // Rows past the head's committed count are ignored until a head counts them, and overwritten on retry.
            foreach (var chunk in rows.Chunk(MaxEntitiesPerTransaction))
            {
                await _table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            var response = await _table.UpdateEntityAsync(headEntity, new ETag(head.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag!.Value;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            _heads.TryRemove(instanceId, out _);
            LogCommitConflict(instanceId, head.ETag);

            // Nothing was consumed: give the messages back at once rather than when the lease runs out.
            _controlBuffer.Abandon(instanceId, lockToken, TimeSpan.Zero);
            _orchestrationSignal.Set();
            throw new StoreConflictException(exception.Status == 404
                ? $"Instance '{instanceId}' no longer exists."
                : $"Instance '{instanceId}' changed since the work item was locked.", exception);
        }
    }

    /// <summary>What a locked work item carries for its commit.</summary>
    private sealed record LockedState(InstanceHead Head);
}
