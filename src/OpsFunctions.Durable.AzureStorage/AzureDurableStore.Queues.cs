using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Sending, receiving, renewing and deleting queue messages.
/// </summary>
public sealed partial class AzureDurableStore
{
    private const int ReceiveBatch = 32;
    private const int RenewalConcurrency = 16;
    private const int MaxHeldControlMessages = 2_000;
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(5);
    private readonly SemaphoreSlim _controlFetch = new(1, 1);
    private readonly SemaphoreSlim _activityFetch = new(1, 1);
    private readonly ConcurrentDictionary<Task, byte> _deletions = new();
    private int _requeueCount;

    private static DateTimeOffset RealNow => TimeProvider.System.GetUtcNow();

    /// <summary>Sends messages to instances, held by this host at once when they are due within the timer prefetch.</summary>
    private async Task SendOrchestrationMessagesAsync(IReadOnlyList<(OrchestrationMessage Message, string? Incarnation)> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var sends = new List<Task>();
        foreach (var group in messages.GroupBy(m => (Partition: PartitionOf(m.Message.InstanceId, _controlQueues.Length), Due: m.Message.VisibleAt is { } at && at > now ? at : now)))
        {
            var parts = group.Select(m => (m.Message, m.Incarnation, new EnvelopePart(HistorySerializer.Serialize(m.Message), null, m.Incarnation), m.Message.InstanceId)).ToArray();
            if (group.Key.Due == now)
            {
                sends.Add(_controlBatchers[group.Key.Partition].SendAsync(parts));
                continue;
            }

            // Delayed messages (timers) go alone: their visibility is their own.
            var delay = group.Key.Due - now;
            var local = HoldsOwnSends(WorkItemKind.Orchestration) && delay <= _options.TimerPrefetch;
            foreach (var (message, incarnation, part, instanceId) in parts)
            {
                sends.Add(SendDelayedAsync(_controlQueues[group.Key.Partition], (message, incarnation), part, delay, local, cancellationToken));
            }
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        _orchestrationSignal.Set();
    }

    private async Task SendDelayedAsync(QueueClient queue, (OrchestrationMessage Message, string? Incarnation) message, EnvelopePart part, TimeSpan delay, bool local, CancellationToken cancellationToken)
    {
        var physical = await SendPartsAsync(queue, message.Message.InstanceId, [part], delay, local, cancellationToken).ConfigureAwait(false);
        if (physical is not null)
        {
            _controlBuffer.Add(physical, [message]);
        }
    }

    /// <summary>Sends activity requests, held by this host for its own workers while it has room.</summary>
    private async Task SendActivityMessagesAsync(IReadOnlyList<(ActivityMessage Message, string? Incarnation)> messages, CancellationToken cancellationToken)
    {
        await _activityBatcher.SendAsync(
            messages.Select(m => (m.Message, m.Incarnation, new EnvelopePart(null, HistorySerializer.Serialize(m.Message), m.Incarnation), m.Message.InstanceId)).ToArray())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        _activitySignal.Set();
    }

    private SendBatcher<OrchestrationMessage> ControlBatcher(QueueClient queue) => new(
        (parts, instanceId) => SendPartsAsync(queue, instanceId, parts, TimeSpan.Zero, HoldsOwnSends(WorkItemKind.Orchestration), CancellationToken.None),
        (physical, messages) =>
        {
            _controlBuffer.Add(physical, messages);
            _orchestrationSignal.Set();
        });

    private SendBatcher<ActivityMessage> ActivityBatcher() => new(
        (parts, instanceId) => SendPartsAsync(
            _workItemQueue, instanceId, parts, TimeSpan.Zero, HoldsOwnSends(WorkItemKind.Activity) && _activityBuffer.Count < _options.LocalActivityCapacity, CancellationToken.None),
        (physical, messages) =>
        {
            _activityBuffer.Add(physical, messages);
            _activitySignal.Set();
        });

    /// <summary>
    /// Sends one queue message. Held (<paramref name="local"/>): sent invisible for the lease past its due time, and returned
    /// for this host to keep. Otherwise visible at its due time less the timer prefetch, capped at the queue's limit.
    /// </summary>
    private async Task<PhysicalMessage?> SendPartsAsync(QueueClient queue, string instanceId, EnvelopePart[] parts, TimeSpan delay, bool local, CancellationToken cancellationToken)
    {
        var body = new QueueEnvelope(parts).Serialize();
        string? blob = null;
        if (Encoding.UTF8.GetByteCount(body) > AzureStorageConstants.MaxQueueMessageBytes)
        {
            blob = await _payloads.UploadAsync(instanceId, body, cancellationToken).ConfigureAwait(false);
            body = new QueueEnvelope(null, blob).Serialize();
        }

        var visibility = local ? delay + _lease : delay - _options.TimerPrefetch;
        visibility = Clamp(visibility);
        var receipt = await queue.SendMessageAsync(body, visibility, NeverExpires, cancellationToken).ConfigureAwait(false);
        if (!local)
        {
            return null;
        }

        return new PhysicalMessage(queue, receipt.Value.MessageId, receipt.Value.PopReceipt, dequeueCount: 1, parts.Length)
        {
            RealVisibleUntil = RealNow + visibility,
            Blob = blob,
        };
    }

    /// <summary>
    /// Whether this host keeps what it sends for its own workers: only once a worker of that kind asks for work here.
    /// A process that only starts and steers instances sends everything visible, for the hosts that run them.
    /// </summary>
    private bool HoldsOwnSends(WorkItemKind kind)
        => _options.LocalDispatch && Volatile.Read(ref kind == WorkItemKind.Orchestration ? ref _orchestrationPoller : ref _activityPoller) is not null;

    private TimeSpan Clamp(TimeSpan visibility)
        => visibility > _options.MaxVisibilityDelay ? _options.MaxVisibilityDelay : QueueVisibility.RoundUp(visibility);

    /// <summary>Receives what the queues of <paramref name="kind"/> show into this host's buffer; one fetch at a time per kind.</summary>
    /// <returns>How many queue messages were new to this host.</returns>
    private async Task<int> FetchAsync(WorkItemKind kind, CancellationToken cancellationToken)
    {
        var gate = kind == WorkItemKind.Orchestration ? _controlFetch : _activityFetch;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (kind == WorkItemKind.Activity)
            {
                return _activityBuffer.Count >= Math.Max(1, _options.LocalActivityCapacity) ? 0 : await ReceiveAsync(_workItemQueue, kind, cancellationToken).ConfigureAwait(false);
            }

            if (_controlBuffer.PhysicalCount >= MaxHeldControlMessages)
            {
                return 0;
            }

            var counts = await Task.WhenAll(_controlQueues.Select(queue => ReceiveAsync(queue, kind, cancellationToken))).ConfigureAwait(false);
            return counts.Sum();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<int> ReceiveAsync(QueueClient queue, WorkItemKind kind, CancellationToken cancellationToken)
    {
        var lease = _lease;
        QueueMessage[] received = await queue.ReceiveMessagesAsync(ReceiveBatch, lease, cancellationToken).ConfigureAwait(false);
        var added = 0;
        foreach (var message in received)
        {
            var physical = new PhysicalMessage(queue, message.MessageId, message.PopReceipt, message.DequeueCount, 0)
            {
                RealVisibleUntil = RealNow + lease,
            };
            ReceivedParts parts;
            try
            {
                parts = await ParseAsync(message.MessageText, kind, physical, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever the body is, it must not stop the queue: park it where an operator can read it.
                await PoisonAsync(queue, message, exception, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (kind == WorkItemKind.Activity)
            {
                physical.Remaining = parts.Activities.Count;
                added += _activityBuffer.Add(physical, parts.Activities) ? 1 : 0;
                continue;
            }

            physical.Remaining = parts.Orchestration.Count;
            if (await DeferIfNotDueAsync(physical, message.MessageText, parts.Orchestration, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            added += _controlBuffer.Add(physical, parts.Orchestration) ? 1 : 0;
        }

        return added;
    }

    private async Task<ReceivedParts> ParseAsync(string text, WorkItemKind kind, PhysicalMessage physical, CancellationToken cancellationToken)
    {
        var envelope = QueueEnvelope.Deserialize(text);
        physical.Deferrals = envelope.Deferrals ?? 0;
        if (envelope.Blob is { } blob)
        {
            physical.Blob = blob;
            envelope = QueueEnvelope.Deserialize(await _payloads.DownloadAsync(blob, cancellationToken).ConfigureAwait(false));
        }

        var parts = envelope.Parts is { Count: > 0 } list ? list : throw new JsonException("The queue message holds no engine message.");
        return kind == WorkItemKind.Orchestration
            ? new ReceivedParts(parts.Select(p => (HistorySerializer.DeserializeOrchestrationMessage(p.Orchestration ?? throw new JsonException("Expected an orchestration message.")), p.Incarnation)).ToArray(), [])
            : new ReceivedParts([], parts.Select(p => (HistorySerializer.DeserializeActivityMessage(p.Activity ?? throw new JsonException("Expected an activity message.")), p.Incarnation)).ToArray());
    }

    /// <summary>
    /// Puts a message back when all its parts are due beyond the timer prefetch: it arrived early because the queue caps
    /// visibility delays at 7 days. Keeps a message due within the prefetch invisible until past its due time.
    /// </summary>
    /// <remarks>
    /// The body put back counts the deferral, so the receives a long timer takes to come due never count as failed
    /// attempts (<see cref="PhysicalMessage.Attempts"/>).
    /// </remarks>
    /// <returns><see langword="true"/> when this host does not keep the message.</returns>
    private async Task<bool> DeferIfNotDueAsync(
        PhysicalMessage physical, string body, IReadOnlyList<(OrchestrationMessage Message, string? Incarnation)> parts, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var earliest = parts.Min(p => p.Message.VisibleAt ?? now);
        var wait = earliest - now;
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        var deferred = wait > _options.TimerPrefetch;
        var visibility = Clamp(deferred ? wait - _options.TimerPrefetch : wait + _lease);
        var counted = deferred ? CountDeferral(body) : null;
        if (!await physical.TryHideAsync(visibility, counted, cancellationToken).ConfigureAwait(false))
        {
            // Another host received it meanwhile: it is that host's now.
            return true;
        }

        if (deferred)
        {
            Interlocked.Increment(ref _requeueCount);
            LogRequeued(parts[0].Message.InstanceId, earliest, visibility);
        }

        return deferred;
    }

    private static string CountDeferral(string body)
    {
        var envelope = QueueEnvelope.Deserialize(body);
        return (envelope with { Deferrals = (envelope.Deferrals ?? 0) + 1 }).Serialize();
    }

    private async Task PoisonAsync(QueueClient queue, QueueMessage message, Exception exception, CancellationToken cancellationToken)
    {
        var instanceId = TryReadInstanceId(message.MessageText) ?? "(unknown)";
        LogPoisoned(queue.Name, message.MessageId, instanceId, exception.Message);
        await _poisonQueue.SendMessageAsync(message.MessageText, TimeSpan.Zero, NeverExpires, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(queue, message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds an instance id in a body that did not parse as a whole, for the log line.</summary>
    private static string? TryReadInstanceId(string text)
    {
        const string Marker = "instanceId\\\":\\\"";
        var start = text.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += Marker.Length;
        var end = text.IndexOf('\\', start);
        return end > start ? text[start..end] : null;
    }

    /// <summary>
    /// Deletes consumed messages without holding up the caller: the instance's lock is free as soon as its commit is.
    /// A crash before the delete only redelivers messages that history already records, and dedupe drops them.
    /// </summary>
    private void DeleteInBackground(IReadOnlyCollection<PhysicalMessage> physicals)
    {
        if (physicals.Count == 0)
        {
            return;
        }

        var deletion = Task.WhenAll(physicals.Select(physical => DeleteAsync(physical, CancellationToken.None)));
        _deletions.TryAdd(deletion, 0);
        _ = deletion.ContinueWith(
            task =>
            {
                _deletions.TryRemove(task, out _);
                if (task.Exception is { } exception)
                {
                    LogDeleteFailed(exception.InnerException?.Message ?? exception.Message);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DeleteAsync(PhysicalMessage physical, CancellationToken cancellationToken)
    {
        // A message another host received since still needs its body: the blob goes only with the message.
        if (await physical.TryDeleteAsync(cancellationToken).ConfigureAwait(false) && physical.Blob is { } blob)
        {
            await _payloads.DeleteAsync(blob, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns><see langword="false"/> when the message was gone or taken by another host.</returns>
    private async Task<bool> DeleteAsync(QueueClient queue, string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 400)
        {
            return false;
        }
    }

    /// <summary>Makes a held message visible again at once, for another host; one gone or taken is no longer this host's to give back.</summary>
    private static Task ReleaseAsync(PhysicalMessage physical) => physical.TryHideAsync(TimeSpan.Zero, null, CancellationToken.None);

    /// <summary>
    /// Polls the queues of <paramref name="kind"/>: every few milliseconds while messages come, backing off to the polling
    /// interval while they do not. It polls under local load too, or other hosts' messages would wait for this one to idle.
    /// </summary>
    private async Task PollAsync(WorkItemKind kind, CancellationToken cancellationToken)
    {
        var interval = MinPollingInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            var found = 0;
            try
            {
                found = await FetchAsync(kind, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception)
            {
                LogPollFailed(kind, exception.Status, exception.ErrorCode);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The poller is the only way other hosts' messages reach this one: it must outlive any failure,
                // a request timing out (which surfaces as a cancellation) included.
                LogPollFailed(kind, 0, exception.GetType().Name + ": " + exception.Message);
            }

            if (found > 0)
            {
                Signal(kind).Set();
                interval = MinPollingInterval;
            }
            else
            {
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, _options.MaxPollingInterval.Ticks));
            }

            await Task.Delay(interval, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps held messages invisible to other hosts while this host holds them.</summary>
    /// <remarks>Renewals run side by side: one at a time falls behind the lease when a loaded host holds hundreds.</remarks>
    private async Task RenewHeldMessagesAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = RenewalConcurrency, CancellationToken = cancellationToken };
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(_lease / 6, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var lease = _lease;
            var threshold = RealNow + (lease / 2);
            var due = _controlBuffer.Physicals().Concat(_activityBuffer.Physicals()).Where(p => !p.Lost && p.RealVisibleUntil < threshold);
            await Parallel.ForEachAsync(due, parallel, async (physical, token) =>
            {
                try
                {
                    if (!await physical.TryHideAsync(lease, null, token).ConfigureAwait(false) && physical.Lost)
                    {
                        LogHeldMessageLost(physical.Queue.Name, physical.MessageId);
                    }
                }
                catch (Exception exception) when (!token.IsCancellationRequested)
                {
                    // Tried again on the next round; the loop must outlive a failed or timed-out request.
                    LogPollFailed(WorkItemKind.Orchestration, 0, exception.GetType().Name + ": " + exception.Message);
                }
            }).ConfigureAwait(false);
        }
    }
}
