using Azure;
using Azure.Storage.Queues;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// A queue message this host holds: invisible to other hosts until <see cref="RealVisibleUntil"/>, which the host renews.
/// </summary>
/// <remarks>
/// Every update or delete replaces or needs the pop receipt, so they take turns: two at once would make the second
/// fail with a receipt the first made stale, and the message would look taken by another host when it is not.
/// </remarks>
internal sealed class PhysicalMessage(QueueClient queue, string messageId, string popReceipt, long dequeueCount, int parts)
{
    private readonly SemaphoreSlim _receiptGate = new(1, 1);
    private readonly Lock _state = new();

    public QueueClient Queue { get; } = queue;

    public string MessageId { get; } = messageId;

    /// <summary>Gets the receipt of the latest receive or update; deletes and updates need it.</summary>
    public string PopReceipt { get; private set; } = popReceipt;

    public long DequeueCount { get; } = dequeueCount;

    /// <summary>Gets or sets how many of the queue's dequeues were receives before the due time (<see cref="QueueEnvelope.Deferrals"/>).</summary>
    public int Deferrals { get; set; }

    /// <summary>Gets the dequeues that were attempts to process the message: the queue's count less the deferrals.</summary>
    public long Attempts => Math.Max(1, DequeueCount - Deferrals);

    /// <summary>Gets or sets how many of its engine messages are not consumed yet; at zero the queue message is deleted.</summary>
    public int Remaining { get; set; } = parts;

    /// <summary>Gets or sets when the queue shows the message to other hosts again, on the real clock: the queue's clock.</summary>
    public DateTimeOffset RealVisibleUntil { get; set; }

    /// <summary>Gets a value indicating whether the queue no longer knows this host's receipt: deleted, or taken by another host.</summary>
    public bool Lost { get; private set; }

    /// <summary>Gets or sets the blob that holds the body, deleted with the message.</summary>
    public string? Blob { get; set; }

    /// <summary>
    /// Adds a received message to what a buffer holds; <see langword="false"/> when it is held already, received again
    /// after its invisibility lapsed: then only its receipt is refreshed, so its engine messages are not held twice.
    /// </summary>
    public static bool TryAdd(Dictionary<string, PhysicalMessage> held, PhysicalMessage physical)
    {
        if (held.TryGetValue(physical.MessageId, out var existing))
        {
            existing.Refresh(physical.PopReceipt, physical.RealVisibleUntil);
            return false;
        }

        held[physical.MessageId] = physical;
        return true;
    }

    /// <summary>Keeps the message invisible for <paramref name="visibility"/> from now.</summary>
    /// <returns><see langword="false"/> when the message is gone or another host received it since.</returns>
    /// <param name="visibility">How long; the queue counts whole seconds, so it is rounded up.</param>
    /// <param name="body">A new body, or <see langword="null"/> to keep the body.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    public async Task<bool> TryHideAsync(TimeSpan visibility, string? body, CancellationToken cancellationToken)
    {
        visibility = QueueVisibility.RoundUp(visibility);
        await _receiptGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var used = PopReceipt;
        try
        {
            var receipt = await Queue.UpdateMessageAsync(MessageId, used, body, visibility, cancellationToken).ConfigureAwait(false);
            Refresh(receipt.Value.PopReceipt, TimeProvider.System.GetUtcNow() + visibility);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 400)
        {
            MarkLostUnlessRefreshed(used);
            return false;
        }
        finally
        {
            _receiptGate.Release();
        }
    }

    /// <summary>Deletes the message.</summary>
    /// <returns><see langword="false"/> when it was gone or another host received it since.</returns>
    public async Task<bool> TryDeleteAsync(CancellationToken cancellationToken)
    {
        await _receiptGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var used = PopReceipt;
        try
        {
            await Queue.DeleteMessageAsync(MessageId, used, cancellationToken).ConfigureAwait(false);
            Lost = true;
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 400)
        {
            MarkLostUnlessRefreshed(used);
            return false;
        }
        finally
        {
            _receiptGate.Release();
        }
    }

    private void Refresh(string popReceipt, DateTimeOffset realVisibleUntil)
    {
        lock (_state)
        {
            PopReceipt = popReceipt;
            RealVisibleUntil = realVisibleUntil;
            Lost = false;
        }
    }

    /// <summary>A receive by this host may have refreshed the receipt while a request with the old one failed.</summary>
    private void MarkLostUnlessRefreshed(string used)
    {
        lock (_state)
        {
            if (PopReceipt == used)
            {
                Lost = true;
            }
        }
    }
}

/// <summary>
/// One engine message of a held queue message, with its lock and visibility judged by the store's clock.
/// </summary>
internal sealed class HeldMessage<T>(PhysicalMessage physical, int part, T message, string? incarnation, DateTimeOffset notBefore, long sequence)
{
    public PhysicalMessage Physical { get; } = physical;

    public T Message { get; } = message;

    public string? Incarnation { get; } = incarnation;

    public string Id { get; } = $"{physical.MessageId}:{part}";

    /// <summary>Gets the arrival order at this host.</summary>
    public long Sequence { get; } = sequence;

    public DateTimeOffset NotBefore { get; set; } = notBefore;

    /// <summary>Gets or sets how often this host has locked the message before.</summary>
    public int Takes { get; set; }

    /// <summary>Gets or sets the lock of an activity; orchestration messages are locked with their instance.</summary>
    public string? LockToken { get; set; }

    public DateTimeOffset LockExpiresAt { get; set; }

    /// <summary>Counts one more lock and returns the dequeue count the engine sees.</summary>
    public int Take()
    {
        var count = (int)Math.Min(int.MaxValue, Physical.Attempts + Takes);
        Takes++;
        return count;
    }
}

/// <summary>
/// The parsed content of one received queue message.
/// </summary>
internal sealed record ReceivedParts(IReadOnlyList<(OrchestrationMessage Message, string? Incarnation)> Orchestration, IReadOnlyList<(ActivityMessage Message, string? Incarnation)> Activities);
