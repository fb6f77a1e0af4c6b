using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OpsFunctions.Durable.History;
using P = Microsoft.DurableTask.Protobuf;

namespace OpsFunctions.Durable.Tests.Parity;

/// <summary>
/// Converts the engine's history to the protobuf history of the Durable Task gRPC protocol, the form
/// <c>GrpcOrchestrationRunner</c> (the replay path of Durable Functions' .NET isolated worker) reads.
/// </summary>
/// <remarks>
/// The scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated) carry the engine's task id as
/// their event id; results point back at it (TaskScheduledId, TimerId). Events without an id of their own get -1, as
/// the Durable Task Framework records them.
/// </remarks>
internal static class ProtoHistory
{
    private const int NoEventId = -1;

    /// <summary>Converts one engine event.</summary>
    public static P.HistoryEvent ToProto(HistoryEvent historyEvent, string instanceId)
    {
        var proto = new P.HistoryEvent { EventId = NoEventId, Timestamp = Timestamp.FromDateTimeOffset(historyEvent.Timestamp) };
        switch (historyEvent)
        {
            case OrchestratorStarted:
                proto.OrchestratorStarted = new P.OrchestratorStartedEvent();
                break;
            case ExecutionStarted started:
                proto.ExecutionStarted = new P.ExecutionStartedEvent
                {
                    Name = started.Name,
                    Input = started.Input,
                    OrchestrationInstance = new P.OrchestrationInstance { InstanceId = instanceId, ExecutionId = started.ExecutionId },
                    ParentInstance = started.Parent is { } parent
                        ? new P.ParentInstanceInfo
                        {
                            TaskScheduledId = parent.TaskScheduledId,
                            Name = parent.Name,
                            OrchestrationInstance = new P.OrchestrationInstance { InstanceId = parent.InstanceId, ExecutionId = parent.ExecutionId },
                        }
                        : null,
                };
                break;
            case TaskScheduled scheduled:
                proto.EventId = scheduled.TaskId;
                proto.TaskScheduled = new P.TaskScheduledEvent { Name = scheduled.Name, Input = scheduled.Input };
                break;
            case TaskCompleted completed:
                proto.TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = completed.TaskScheduledId, Result = completed.Result };
                break;
            case TaskFailed failed:
                proto.TaskFailed = new P.TaskFailedEvent { TaskScheduledId = failed.TaskScheduledId, FailureDetails = ToProto(failed.Failure) };
                break;
            case TimerCreated timer:
                proto.EventId = timer.TaskId;
                proto.TimerCreated = new P.TimerCreatedEvent { FireAt = Timestamp.FromDateTimeOffset(timer.FireAt) };
                break;
            case TimerFired fired:
                proto.TimerFired = new P.TimerFiredEvent { TimerId = fired.TimerId, FireAt = Timestamp.FromDateTimeOffset(fired.FireAt) };
                break;
            case EventRaised raised:
                proto.EventRaised = new P.EventRaisedEvent { Name = raised.Name, Input = raised.Input };
                break;
            case SubOrchestrationInstanceCreated created:
                proto.EventId = created.TaskId;
                proto.SubOrchestrationInstanceCreated = new P.SubOrchestrationInstanceCreatedEvent
                {
                    Name = created.Name,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                };
                break;
            case SubOrchestrationInstanceCompleted completed:
                proto.SubOrchestrationInstanceCompleted = new P.SubOrchestrationInstanceCompletedEvent
                {
                    TaskScheduledId = completed.TaskScheduledId,
                    Result = completed.Result,
                };
                break;
            case SubOrchestrationInstanceFailed failed:
                proto.SubOrchestrationInstanceFailed = new P.SubOrchestrationInstanceFailedEvent
                {
                    TaskScheduledId = failed.TaskScheduledId,
                    FailureDetails = ToProto(failed.Failure),
                };
                break;
            case ExecutionSuspended suspended:
                proto.ExecutionSuspended = new P.ExecutionSuspendedEvent { Input = suspended.Reason };
                break;
            case ExecutionResumed resumed:
                proto.ExecutionResumed = new P.ExecutionResumedEvent { Input = resumed.Reason };
                break;
            case ExecutionTerminated terminated:
                proto.ExecutionTerminated = new P.ExecutionTerminatedEvent { Input = terminated.Output };
                break;
            case ExecutionCompleted completed:
                proto.ExecutionCompleted = new P.ExecutionCompletedEvent
                {
                    OrchestrationStatus = ToProto(completed.Status),
                    Result = completed.Result,
                    FailureDetails = completed.Failure is { } failure ? ToProto(failure) : null,
                };
                break;
            default:
                throw new NotSupportedException($"No protobuf form for {historyEvent.GetType().Name}.");
        }

        return proto;
    }

    /// <summary>Converts a failure with its inner chain.</summary>
    public static P.TaskFailureDetails ToProto(TaskFailureDetails failure) => new()
    {
        ErrorType = failure.ErrorType,
        ErrorMessage = failure.ErrorMessage,
        StackTrace = failure.StackTrace,
        InnerFailure = failure.InnerFailure is { } inner ? ToProto(inner) : null,
    };

    /// <summary>Converts the status an execution ended with.</summary>
    public static P.OrchestrationStatus ToProto(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Running => P.OrchestrationStatus.Running,
        OrchestrationRuntimeStatus.Completed => P.OrchestrationStatus.Completed,
#pragma warning disable CS0618 // The official status is obsolete for clients; histories record it between executions.
        OrchestrationRuntimeStatus.ContinuedAsNew => P.OrchestrationStatus.ContinuedAsNew,
#pragma warning restore CS0618
        OrchestrationRuntimeStatus.Failed => P.OrchestrationStatus.Failed,
        OrchestrationRuntimeStatus.Terminated => P.OrchestrationStatus.Terminated,
        OrchestrationRuntimeStatus.Pending => P.OrchestrationStatus.Pending,
        OrchestrationRuntimeStatus.Suspended => P.OrchestrationStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No protobuf orchestration status."),
    };

    /// <summary>Builds the base64 <c>OrchestratorRequest</c> that Durable Functions hands to the runner.</summary>
    public static string EncodeRequest(string instanceId, string executionId, IEnumerable<P.HistoryEvent> pastEvents, IEnumerable<P.HistoryEvent> newEvents)
    {
        var request = new P.OrchestratorRequest { InstanceId = instanceId, ExecutionId = executionId };
        request.PastEvents.AddRange(pastEvents);
        request.NewEvents.AddRange(newEvents);
        return request.ToByteString().ToBase64();
    }

    /// <summary>Reads the base64 <c>OrchestratorResponse</c> the runner returns.</summary>
    public static P.OrchestratorResponse DecodeResponse(string encodedResponse)
        => P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(encodedResponse));
}
