using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Storage;

/// <summary>
/// The storage seam of the engine: instances, their history, and the orchestration and activity queues.
/// Every backend passes the same conformance suite.
/// </summary>
/// <remarks>
/// Contract, shared by all backends:
/// <list type="bullet">
/// <item>An orchestration work item holds every visible message of one instance, and the instance's lock;
/// no other worker locks that instance until the lease expires, the item is completed or abandoned.</item>
/// <item><see cref="CompleteOrchestrationAsync"/> is the commit point of an episode: the new history, the
/// new head, the consumed messages' removal and every outbound message take effect together or not at all,
/// and only if the instance's <see cref="InstanceRecord.Version"/> is still the one the item was locked at.</item>
/// <item>Message visibility and lock expiry are judged by the store's <see cref="TimeProvider"/>.</item>
/// <item>Locking a message counts one dequeue; the count comes back in the work item.</item>
/// </list>
/// </remarks>
public interface IDurableStore : IAsyncDisposable
{
    /// <summary>Creates the schema, tables or queues if missing, and checks the store answers.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates or re-creates an instance with status Pending and enqueues its <see cref="ExecutionStarted"/> message, atomically.
    /// An instance of the same id that has ended is replaced, its history and queued messages deleted.
    /// </summary>
    /// <param name="instance">The new instance head (status Pending).</param>
    /// <param name="startMessage">The start message, possibly visible later.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the instance is stored.</returns>
    /// <exception cref="InstanceAlreadyExistsException">An instance with the id is Pending, Running, Suspended or ContinuedAsNew.</exception>
    Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken);

    /// <summary>Enqueues a message to an existing instance that has not ended.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The instance's status when the message was considered, or <see langword="null"/> for an unknown instance.
    /// The message is enqueued only when the status is not Completed, Failed or Terminated.
    /// </returns>
    Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken);

    /// <summary>Reads an instance head.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="includePayloads">Whether input, output and custom status are read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The head, or <see langword="null"/> for an unknown instance.</returns>
    Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken);

    /// <summary>Lists instance heads, ordered by creation time then id, a page at a time.</summary>
    /// <param name="filter">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken);

    /// <summary>Reads the history of the current execution of an instance, in order, page by page underneath.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events; empty for an unknown instance.</returns>
    Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes instances matching the filter that have ended, with their history and messages.</summary>
    /// <param name="filter">Which instances; <see cref="InstanceFilter.Statuses"/> is intersected with the ended statuses.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number deleted.</returns>
    Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken);

    /// <summary>Locks the next instance that has visible messages and no live lock.</summary>
    /// <param name="lease">How long the lock holds.</param>
    /// <param name="maxMessages">The most messages to take.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The work item, or <see langword="null"/> when there is none.</returns>
    Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken);

    /// <summary>Commits an episode: see the remarks of <see cref="IDurableStore"/>. Releases the lock.</summary>
    /// <param name="workItem">The locked work item.</param>
    /// <param name="commit">What the episode produced.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The head's new <see cref="InstanceRecord.Version"/>, which the engine's cache compares with later work items.</returns>
    /// <exception cref="StoreConflictException">The instance changed since the lock (a lease expired and another worker committed).</exception>
    Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken);

    /// <summary>Releases the lock without consuming the messages; they come back after <paramref name="retryAfter"/>.</summary>
    /// <param name="workItem">The locked work item.</param>
    /// <param name="retryAfter">How long until the instance can be locked again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the lock is released.</returns>
    Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken);

    /// <summary>Locks the next visible activity message.</summary>
    /// <param name="lease">How long the lock holds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The work item, or <see langword="null"/> when there is none.</returns>
    Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lock of a running activity.</summary>
    /// <param name="workItem">The locked work item.</param>
    /// <param name="lease">The new lease from now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lock was lost.</returns>
    Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Deletes the activity message and enqueues its response to the instance, atomically.</summary>
    /// <param name="workItem">The locked work item.</param>
    /// <param name="response">The <see cref="TaskCompleted"/> or <see cref="TaskFailed"/> message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lock was lost: nothing was written.</returns>
    Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken);

    /// <summary>Releases the lock; the message comes back after <paramref name="retryAfter"/>.</summary>
    /// <param name="workItem">The locked work item.</param>
    /// <param name="retryAfter">How long until the message is visible again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the lock is released.</returns>
    Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until work of <paramref name="kind"/> may be available: a message was enqueued in this process,
    /// a queued message or an expired lock became due, or <paramref name="maxWait"/> passed.
    /// Returning early is allowed; returning late adds latency.
    /// </summary>
    /// <param name="kind">Which queue.</param>
    /// <param name="maxWait">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is worth trying to lock again.</returns>
    Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken);
}

/// <summary>
/// The two queues of a task hub.
/// </summary>
public enum WorkItemKind
{
    /// <summary>Messages to orchestration instances, timers included.</summary>
    Orchestration,

    /// <summary>Activity requests.</summary>
    Activity,
}
