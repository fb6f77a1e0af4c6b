using DurableTask.Core;
using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using Core = DurableTask.Core.History;

namespace OpsFunctions.Durable.Client;

/// <summary>
/// The engine's history as DurableTask.Core's events, the shape <c>DurableTaskClient.GetOrchestrationHistoryAsync</c>
/// returns on every backend. Event ids are the task ids the engine records, so a scheduling event and its result pair up.
/// </summary>
internal static class CoreHistory
{
    public static IList<Core.HistoryEvent> From(string instanceId, IReadOnlyList<HistoryEvent> events)
        => [.. events.Select(e => Convert(instanceId, e)).OfType<Core.HistoryEvent>()];

    private static Core.HistoryEvent? Convert(string instanceId, HistoryEvent historyEvent)
    {
        Core.HistoryEvent? converted = historyEvent switch
        {
            OrchestratorStarted => new Core.OrchestratorStartedEvent(-1),
            ExecutionStarted started => new Core.ExecutionStartedEvent(-1, started.Input)
            {
                Name = started.Name,
                Tags = Copy(started.Tags),
                OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = started.ExecutionId },
                ParentInstance = started.Parent is { } parent
                    ? new DurableTask.Core.ParentInstance
                    {
                        Name = parent.Name,
                        OrchestrationInstance = new OrchestrationInstance { InstanceId = parent.InstanceId, ExecutionId = parent.ExecutionId },
                        TaskScheduleId = parent.TaskScheduledId,
                    }
                    : null,
            },
            TaskScheduled scheduled => new Core.TaskScheduledEvent(scheduled.TaskId, scheduled.Name, version: null, scheduled.Input) { Tags = Copy(scheduled.Tags) },
            TaskCompleted completed => new Core.TaskCompletedEvent(-1, completed.TaskScheduledId, completed.Result),
            TaskFailed failed => new Core.TaskFailedEvent(-1, failed.TaskScheduledId, failed.Failure.ErrorMessage, details: null, Failures.ToCore(failed.Failure)),
            TimerCreated timer => new Core.TimerCreatedEvent(timer.TaskId, timer.FireAt.UtcDateTime),
            TimerFired fired => new Core.TimerFiredEvent(-1, fired.FireAt.UtcDateTime) { TimerId = fired.TimerId },
            EventRaised raised => new Core.EventRaisedEvent(-1, raised.Input) { Name = raised.Name },
            EventSent sent => new Core.EventSentEvent(sent.TaskId) { InstanceId = sent.InstanceId, Name = sent.Name, Input = sent.Input },
            SubOrchestrationInstanceCreated created => new Core.SubOrchestrationInstanceCreatedEvent(created.TaskId)
            {
                Name = created.Name,
                InstanceId = created.InstanceId,
                Input = created.Input,
            },
            SubOrchestrationInstanceCompleted completed => new Core.SubOrchestrationInstanceCompletedEvent(-1, completed.TaskScheduledId, completed.Result),
            SubOrchestrationInstanceFailed failed => new Core.SubOrchestrationInstanceFailedEvent(
                -1, failed.TaskScheduledId, failed.Failure.ErrorMessage, details: null, Failures.ToCore(failed.Failure)),
            ExecutionSuspended suspended => new Core.ExecutionSuspendedEvent(-1, suspended.Reason),
            ExecutionResumed resumed => new Core.ExecutionResumedEvent(-1, resumed.Reason),
            ExecutionTerminated terminated => new Core.ExecutionTerminatedEvent(-1, terminated.Output),
            ExecutionCompleted completed => new Core.ExecutionCompletedEvent(
                -1, completed.Result, (OrchestrationStatus)(int)completed.Status, completed.Failure is { } failure ? Failures.ToCore(failure) : null),
            _ => null,
        };
        if (converted is not null)
        {
            converted.Timestamp = historyEvent.Timestamp.UtcDateTime;
        }

        return converted;
    }

    private static Dictionary<string, string>? Copy(IReadOnlyDictionary<string, string>? tags)
        => tags is null ? null : new Dictionary<string, string>(tags, StringComparer.Ordinal);
}
