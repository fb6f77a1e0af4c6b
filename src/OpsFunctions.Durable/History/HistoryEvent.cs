using System.Text.Json.Serialization;

namespace OpsFunctions.Durable.History;

/// <summary>
/// One entry of an instance's append-only history. The serialized form is a wire contract:
/// add types and optional properties, never rename or remove.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OrchestratorStarted), nameof(OrchestratorStarted))]
[JsonDerivedType(typeof(ExecutionStarted), nameof(ExecutionStarted))]
[JsonDerivedType(typeof(TaskScheduled), nameof(TaskScheduled))]
[JsonDerivedType(typeof(TaskCompleted), nameof(TaskCompleted))]
[JsonDerivedType(typeof(TaskFailed), nameof(TaskFailed))]
[JsonDerivedType(typeof(TimerCreated), nameof(TimerCreated))]
[JsonDerivedType(typeof(TimerFired), nameof(TimerFired))]
[JsonDerivedType(typeof(EventRaised), nameof(EventRaised))]
[JsonDerivedType(typeof(EventSent), nameof(EventSent))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCreated), nameof(SubOrchestrationInstanceCreated))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCompleted), nameof(SubOrchestrationInstanceCompleted))]
[JsonDerivedType(typeof(SubOrchestrationInstanceFailed), nameof(SubOrchestrationInstanceFailed))]
[JsonDerivedType(typeof(ExecutionSuspended), nameof(ExecutionSuspended))]
[JsonDerivedType(typeof(ExecutionResumed), nameof(ExecutionResumed))]
[JsonDerivedType(typeof(ExecutionTerminated), nameof(ExecutionTerminated))]
[JsonDerivedType(typeof(ExecutionCompleted), nameof(ExecutionCompleted))]
public abstract record HistoryEvent
{
    /// <summary>Gets when the event was recorded (or, for a message, sent).</summary>
    public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>An episode began; its timestamp is the orchestration's <c>CurrentUtcDateTime</c>.</summary>
public sealed record OrchestratorStarted : HistoryEvent;

/// <summary>An execution started.</summary>
/// <param name="Name">Gets the orchestrator name.</param>
/// <param name="ExecutionId">Gets the execution id, new for every start and continue-as-new.</param>
/// <param name="Input">Gets the input as JSON.</param>
/// <param name="Parent">Gets the parent, for a sub-orchestration.</param>
public sealed record ExecutionStarted(string Name, string ExecutionId, string? Input, ParentInstance? Parent = null) : HistoryEvent
{
    /// <summary>Gets the tags the instance was started with.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets the W3C <c>traceparent</c> of the caller that started the instance, so its activities join that trace.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>The orchestration that started a sub-orchestration, and the task id it waits on.</summary>
/// <param name="InstanceId">Gets the parent instance id.</param>
/// <param name="ExecutionId">Gets the parent execution id.</param>
/// <param name="TaskScheduledId">Gets the task id in the parent's history.</param>
/// <param name="Name">Gets the parent's orchestrator name; absent from history written before it was recorded.</param>
public sealed record ParentInstance(string InstanceId, string ExecutionId, int TaskScheduledId, string? Name = null);

/// <summary>An activity was scheduled.</summary>
/// <param name="TaskId">Gets the task id.</param>
/// <param name="Name">Gets the activity name.</param>
/// <param name="Input">Gets the input as JSON.</param>
public sealed record TaskScheduled(int TaskId, string Name, string? Input) : HistoryEvent
{
    /// <summary>Gets the tags of the call's <c>TaskOptions</c>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>An activity returned.</summary>
/// <param name="TaskScheduledId">Gets the task id.</param>
/// <param name="Result">Gets the result as JSON.</param>
public sealed record TaskCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>An activity threw.</summary>
/// <param name="TaskScheduledId">Gets the task id.</param>
/// <param name="Failure">Gets the failure.</param>
public sealed record TaskFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

/// <summary>A durable timer was created.</summary>
/// <param name="TaskId">Gets the task id.</param>
/// <param name="FireAt">Gets when it fires.</param>
public sealed record TimerCreated(int TaskId, DateTimeOffset FireAt) : HistoryEvent;

/// <summary>A durable timer fired.</summary>
/// <param name="TimerId">Gets the task id of the timer.</param>
/// <param name="FireAt">Gets when it was due.</param>
public sealed record TimerFired(int TimerId, DateTimeOffset FireAt) : HistoryEvent;

/// <summary>An external event arrived.</summary>
/// <param name="EventId">Gets the id that makes redeliveries of the same event recognisable.</param>
/// <param name="Name">Gets the event name.</param>
/// <param name="Input">Gets the payload as JSON.</param>
public sealed record EventRaised(string EventId, string Name, string? Input) : HistoryEvent;

/// <summary>The orchestration sent an event to another instance; the event travels in the same commit.</summary>
/// <param name="TaskId">Gets the task id the send took, so replay can match it.</param>
/// <param name="InstanceId">Gets the receiving instance.</param>
/// <param name="Name">Gets the event name.</param>
/// <param name="Input">Gets the payload as JSON.</param>
public sealed record EventSent(int TaskId, string InstanceId, string Name, string? Input) : HistoryEvent;

/// <summary>A sub-orchestration was started.</summary>
/// <param name="TaskId">Gets the task id.</param>
/// <param name="Name">Gets the orchestrator name.</param>
/// <param name="InstanceId">Gets the sub-orchestration's instance id.</param>
/// <param name="Input">Gets the input as JSON.</param>
public sealed record SubOrchestrationInstanceCreated(int TaskId, string Name, string InstanceId, string? Input) : HistoryEvent
{
    /// <summary>Gets the tags of the call's options, which the sub-orchestration starts with.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>A sub-orchestration completed.</summary>
/// <param name="TaskScheduledId">Gets the task id.</param>
/// <param name="Result">Gets the output as JSON.</param>
public sealed record SubOrchestrationInstanceCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>A sub-orchestration failed or was terminated.</summary>
/// <param name="TaskScheduledId">Gets the task id.</param>
/// <param name="Failure">Gets the failure.</param>
public sealed record SubOrchestrationInstanceFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

/// <summary>The instance was suspended; events after this are held until resumed.</summary>
/// <param name="Reason">Gets why.</param>
public sealed record ExecutionSuspended(string? Reason) : HistoryEvent;

/// <summary>The instance was resumed.</summary>
/// <param name="Reason">Gets why.</param>
public sealed record ExecutionResumed(string? Reason) : HistoryEvent;

/// <summary>The instance was terminated.</summary>
/// <param name="Output">Gets the output given with the request, as JSON.</param>
public sealed record ExecutionTerminated(string? Output) : HistoryEvent;

/// <summary>The execution ended: Completed, Failed or ContinuedAsNew.</summary>
/// <param name="Status">Gets the status it ended with.</param>
/// <param name="Result">Gets the output (or the next input for ContinuedAsNew) as JSON.</param>
/// <param name="Failure">Gets the failure, for Failed.</param>
public sealed record ExecutionCompleted(OrchestrationRuntimeStatus Status, string? Result, TaskFailureDetails? Failure = null) : HistoryEvent;
