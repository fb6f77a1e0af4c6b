using Azure.Storage.Queues;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// A queue message this host holds: invisible to other hosts until <see cref="RealVisibleUntil"/>, which the host renews.
/// </summary>
internal sealed class PhysicalMessage(QueueClient queue, string messageId, string popReceipt, long dequeueCount, int parts)
{
    public QueueClient Queue { get; } = queue;

    public string MessageId { get; } = messageId;

    /// <summary>Gets or sets the receipt of the latest receive or update; deletes and updates need it.</summary>
    public string PopReceipt { get; set; } = popReceipt;

    public long DequeueCount { get; } = dequeueCount;

    /// <summary>Gets or sets how many of its engine messages are not consumed yet; at zero the queue message is deleted.</summary>
    public int Remaining { get; set; } = parts;

    /// <summary>Gets or sets when the queue shows the message to other hosts again, on the real clock: the queue's clock.</summary>
    public DateTimeOffset RealVisibleUntil { get; set; }

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
            existing.PopReceipt = physical.PopReceipt;
            existing.RealVisibleUntil = physical.RealVisibleUntil;
            return false;
        }

        held[physical.MessageId] = physical;
        return true;
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
        var count = (int)Math.Min(int.MaxValue, Physical.DequeueCount + Takes);
        Takes++;
        return count;
    }
}

/// <summary>
/// The parsed content of one received queue message.
/// </summary>
internal sealed record ReceivedParts(IReadOnlyList<(OrchestrationMessage Message, string? Incarnation)> Orchestration, IReadOnlyList<(ActivityMessage Message, string? Incarnation)> Activities);
