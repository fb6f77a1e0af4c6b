namespace OpsFunctions.Durable.Client;

/// <summary>
/// Starts, queries and steers orchestration instances.
/// </summary>
public abstract class DurableTaskClient : IAsyncDisposable
{
    /// <summary>Initializes a new instance of the <see cref="DurableTaskClient"/> class.</summary>
    /// <param name="name">The name of the client (the task hub).</param>
    protected DurableTaskClient(string name)
    {
        Name = name;
    }

    /// <summary>Gets the name of the client (the task hub).</summary>
    public string Name { get; }

    /// <summary>Schedules a new instance.</summary>
    /// <param name="orchestratorName">The orchestrator to run.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">The instance id and start time.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="InstanceAlreadyExistsException">An instance with the id is pending, running or suspended.</exception>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);

    /// <inheritdoc cref="ScheduleNewOrchestrationInstanceAsync(TaskName, object?, StartOrchestrationOptions?, CancellationToken)"/>
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default)
        => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, options, cancellation);

    /// <summary>Raises an event on an instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventPayload">The payload; serialized to JSON.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the event is stored.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has the id.</exception>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

    /// <summary>Waits until the instance has started (or ended).</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Whether to fetch input, output and custom status.</param>
    /// <param name="cancellation">Cancels the wait.</param>
    /// <returns>The instance's metadata.</returns>
    public abstract Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Whether to fetch input, output and custom status.</param>
    /// <param name="cancellation">Cancels the wait.</param>
    /// <returns>The instance's metadata.</returns>
    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Gets an instance's metadata.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Whether to fetch input, output and custom status.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>The metadata, or <see langword="null"/> for an unknown id.</returns>
    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Lists instances matching <paramref name="filter"/>, page by page.</summary>
    /// <param name="filter">The filter; all instances when <see langword="null"/>.</param>
    /// <returns>The instances.</returns>
    public abstract AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null);

    /// <summary>Terminates a running, pending or suspended instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="output">The output recorded for the instance.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has the id.</exception>
    public abstract Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellation = default);

    /// <summary>Suspends an instance: it stops running and holds new events until resumed.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has the id.</exception>
    public abstract Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    /// <summary>Resumes a suspended instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>A task that completes when the request is stored.</returns>
    /// <exception cref="InstanceNotFoundException">No instance has the id.</exception>
    public abstract Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    /// <summary>Deletes an ended instance and its history.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>How many instances were deleted (0 or 1).</returns>
    /// <exception cref="InvalidOperationException">The instance has not ended.</exception>
    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default);

    /// <summary>Deletes ended instances matching <paramref name="filter"/>.</summary>
    /// <param name="filter">Which instances.</param>
    /// <param name="cancellation">Cancels the call.</param>
    /// <returns>How many instances were deleted.</returns>
    public abstract Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default);

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
