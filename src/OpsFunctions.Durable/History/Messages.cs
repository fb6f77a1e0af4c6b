namespace OpsFunctions.Durable.History;

/// <summary>
/// A message to an orchestration instance: an event to append to its history.
/// </summary>
/// <param name="InstanceId">Gets the target instance id.</param>
/// <param name="ExecutionId">Gets the target execution, or <see langword="null"/> for whichever runs (raised events, control requests).</param>
/// <param name="Event">Gets the event.</param>
public sealed record OrchestrationMessage(string InstanceId, string? ExecutionId, HistoryEvent Event)
{
    /// <summary>Gets when the message becomes visible; at once when <see langword="null"/>. Timers use this.</summary>
    public DateTimeOffset? VisibleAt { get; init; }
}

/// <summary>
/// A request to run an activity for an instance.
/// </summary>
/// <param name="InstanceId">Gets the instance id.</param>
/// <param name="ExecutionId">Gets the execution id.</param>
/// <param name="TaskId">Gets the task id in the instance's history.</param>
/// <param name="Name">Gets the activity name.</param>
/// <param name="Input">Gets the input as JSON.</param>
public sealed record ActivityMessage(string InstanceId, string ExecutionId, int TaskId, string Name, string? Input)
{
    /// <summary>Gets the W3C <c>traceparent</c> of the instance's start, which the activity's span continues.</summary>
    public string? TraceParent { get; init; }
}
