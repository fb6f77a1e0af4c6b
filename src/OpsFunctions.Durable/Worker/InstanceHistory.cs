using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// The history of an instance's current execution with the indexes the worker needs to drop
/// duplicate and stale messages.
/// </summary>
internal sealed class InstanceHistory
{
    private readonly List<HistoryEvent> _events = [];
    private readonly HashSet<int> _scheduled = [];
    private readonly HashSet<int> _resolved = [];
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);

    public IReadOnlyList<HistoryEvent> Events => _events;

    public ExecutionStarted? Started { get; private set; }

    public bool IsSuspended { get; private set; }

    public bool IsEnded { get; private set; }

    public bool IsRunning => Started is not null && !IsEnded;

    public void Add(HistoryEvent historyEvent)
    {
        _events.Add(historyEvent);
        switch (historyEvent)
        {
            case ExecutionStarted started:
                Started = started;
                break;
            case TaskScheduled scheduled:
                _scheduled.Add(scheduled.TaskId);
                break;
            case TimerCreated timer:
                _scheduled.Add(timer.TaskId);
                break;
            case SubOrchestrationInstanceCreated created:
                _scheduled.Add(created.TaskId);
                break;
            case TaskCompleted completed:
                _resolved.Add(completed.TaskScheduledId);
                break;
            case TaskFailed failed:
                _resolved.Add(failed.TaskScheduledId);
                break;
            case TimerFired fired:
                _resolved.Add(fired.TimerId);
                break;
            case SubOrchestrationInstanceCompleted completed:
                _resolved.Add(completed.TaskScheduledId);
                break;
            case SubOrchestrationInstanceFailed failed:
                _resolved.Add(failed.TaskScheduledId);
                break;
            case EventRaised raised:
                _eventIds.Add(raised.EventId);
                break;
            case ExecutionSuspended:
                IsSuspended = true;
                break;
            case ExecutionResumed:
                IsSuspended = false;
                break;
            case ExecutionCompleted or ExecutionTerminated:
                IsEnded = true;
                break;
        }
    }

    /// <summary>Whether a completion for <paramref name="taskId"/> is awaited: scheduled and not yet resolved.</summary>
    public bool IsAwaiting(int taskId) => _scheduled.Contains(taskId) && !_resolved.Contains(taskId);

    public bool HasEvent(string eventId) => _eventIds.Contains(eventId);

    public void Clear()
    {
        _events.Clear();
        _scheduled.Clear();
        _resolved.Clear();
        _eventIds.Clear();
        Started = null;
        IsSuspended = false;
        IsEnded = false;
    }
}
