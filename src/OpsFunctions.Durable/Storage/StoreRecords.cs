using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Storage;

/// <summary>
/// The head of an instance: its status and payloads, what queries read.
/// </summary>
/// <param name="InstanceId">Gets the instance id.</param>
/// <param name="Name">Gets the orchestrator name.</param>
public sealed record InstanceRecord(string InstanceId, string Name)
{
    /// <summary>Gets the current execution id; <see langword="null"/> before the first start is processed.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Gets the status.</summary>
    public OrchestrationRuntimeStatus Status { get; init; } = OrchestrationRuntimeStatus.Pending;

    /// <summary>Gets when the instance (its latest start) was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the head last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Gets the input as JSON (when read with payloads).</summary>
    public string? Input { get; init; }

    /// <summary>Gets the output as JSON (when read with payloads).</summary>
    public string? Output { get; init; }

    /// <summary>Gets the custom status as JSON (when read with payloads).</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Gets the failure of a Failed instance.</summary>
    public TaskFailureDetails? Failure { get; init; }

    /// <summary>Gets the parent instance id of a sub-orchestration.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>Gets the tags the instance was started with, kept across ContinueAsNew.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets the store's version of the head, changed by every commit; opaque to the engine.</summary>
    public string? Version { get; init; }
}

/// <summary>
/// A filter over instances, with paging.
/// </summary>
public sealed record InstanceFilter
{
    /// <summary>Gets the exact instance id.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Gets the prefix instance ids must start with.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Gets the earliest creation time, inclusive.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Gets the latest creation time, exclusive.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Gets the statuses to include; all when <see langword="null"/>.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Gets the page size.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Gets the opaque token of the page to read.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets a value indicating whether input, output and custom status are read.</summary>
    public bool IncludePayloads { get; init; }
}

/// <summary>
/// A page of instance heads.
/// </summary>
/// <param name="Instances">Gets the heads.</param>
/// <param name="ContinuationToken">Gets the token of the next page, or <see langword="null"/> on the last.</param>
public sealed record InstancePage(IReadOnlyList<InstanceRecord> Instances, string? ContinuationToken);

/// <summary>
/// A message taken from a queue, with how often it has been taken.
/// </summary>
/// <param name="MessageId">Gets the store's id of the message.</param>
/// <param name="Message">Gets the message.</param>
/// <param name="DequeueCount">Gets how many times it has been locked, this time included.</param>
public sealed record QueuedMessage(string MessageId, OrchestrationMessage Message, int DequeueCount);

/// <summary>
/// The locked messages of one instance.
/// </summary>
/// <param name="InstanceId">Gets the instance id.</param>
/// <param name="LockToken">Gets the token that proves the lock.</param>
/// <param name="Messages">Gets the messages, in the order they were enqueued.</param>
/// <param name="Instance">Gets the head at lock time, with payloads; <see langword="null"/> when the instance has no head.</param>
public sealed record OrchestrationWorkItem(
    string InstanceId, string LockToken, IReadOnlyList<QueuedMessage> Messages, InstanceRecord? Instance)
{
    /// <summary>Gets what the store keeps to complete the item (receipts, ETags); opaque to the engine.</summary>
    public object? StoreState { get; init; }
}

/// <summary>
/// A locked activity message.
/// </summary>
/// <param name="MessageId">Gets the store's id of the message.</param>
/// <param name="LockToken">Gets the token that proves the lock.</param>
/// <param name="Message">Gets the message.</param>
/// <param name="DequeueCount">Gets how many times it has been locked, this time included.</param>
public sealed record ActivityWorkItem(string MessageId, string LockToken, ActivityMessage Message, int DequeueCount)
{
    /// <summary>Gets what the store keeps to complete the item; opaque to the engine.</summary>
    public object? StoreState { get; init; }
}

/// <summary>
/// What an episode produced, committed atomically by <see cref="IDurableStore.CompleteOrchestrationAsync"/>.
/// </summary>
/// <param name="Instance">Gets the new head. Its <see cref="InstanceRecord.Version"/> is ignored: the store sets it.</param>
/// <param name="NewEvents">Gets the events to append to the history.</param>
/// <param name="ReplaceHistory">Gets a value indicating whether the history is replaced by <paramref name="NewEvents"/> (a new execution).</param>
/// <param name="OrchestrationMessages">
/// Gets the messages to instances, this one included (timers). An <see cref="ExecutionStarted"/> message to an
/// instance with no head creates its head with status Pending.
/// </param>
/// <param name="ActivityMessages">Gets the activities to run.</param>
public sealed record OrchestrationCommit(
    InstanceRecord Instance,
    IReadOnlyList<HistoryEvent> NewEvents,
    bool ReplaceHistory,
    IReadOnlyList<OrchestrationMessage> OrchestrationMessages,
    IReadOnlyList<ActivityMessage> ActivityMessages);

/// <summary>
/// Thrown by a commit that lost an optimistic-concurrency race; the episode is abandoned and retried.
/// </summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class.</summary>
    /// <param name="message">What conflicted.</param>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class.</summary>
    public StoreConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class.</summary>
    /// <param name="message">What conflicted.</param>
    /// <param name="innerException">The cause.</param>
    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
