using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// The changes one episode makes to an instance, collected until they are committed together.
/// </summary>
internal sealed class Episode
{
    private readonly List<OrchestrationMessage> _messages = [];
    private readonly List<ActivityMessage> _activities = [];
    private readonly List<HistoryEvent> _events;
    private int _pastCount;
    private bool _replaceHistory;
    private OrchestrationRuntimeStatus? _endStatus;
    private string? _output;
    private TaskFailureDetails? _failure;

    public Episode(OrchestrationSession session, InstanceRecord head, DateTimeOffset now)
    {
        Session = session;
        Head = head;
        Now = now;
        CustomStatus = head.CustomStatus;
        _pastCount = session.History.Events.Count;
        _events = [new OrchestratorStarted { Timestamp = now }];
        session.History.Add(_events[0]);
    }

    public OrchestrationSession Session { get; }

    public InstanceRecord Head { get; }

    public DateTimeOffset Now { get; }

    public string? CustomStatus { get; set; }

    public ExecutionTerminated? Terminated { get; set; }

    /// <summary>Gets the events of this episode so far, its <see cref="OrchestratorStarted"/> first.</summary>
    public IReadOnlyList<HistoryEvent> Events => _events;

    /// <summary>Gets the history recorded before this episode.</summary>
    public IReadOnlyList<HistoryEvent> PastEvents => Session.History.Events.Take(_pastCount).ToList();

    public void Add(HistoryEvent historyEvent)
    {
        _events.Add(historyEvent);
        Session.History.Add(historyEvent);
    }

    public void ReplaceHistory()
    {
        _replaceHistory = true;
        Session.StartNewExecution();
        _pastCount = 0;
        Session.History.Add(_events[0]);
        _events.RemoveRange(1, _events.Count - 1);
    }

    /// <summary>Drops the new events the executor did not apply because the execution ended first.</summary>
    public void TruncateNewEvents(int consumed)
    {
        if (consumed < _events.Count)
        {
            _events.RemoveRange(consumed, _events.Count - consumed);
        }
    }

    public void Record(OrchestratorAction action)
    {
        var started = Session.History.Started!;
        switch (action)
        {
            case ScheduleTaskAction task:
                Add(new TaskScheduled(task.Id, task.Name, task.Input) { Timestamp = Now, Tags = task.Tags });
                _activities.Add(new ActivityMessage(Head.InstanceId, started.ExecutionId, task.Id, task.Name, task.Input) { TraceParent = started.TraceParent });
                break;
            case CreateTimerAction timer:
                Add(new TimerCreated(timer.Id, timer.FireAt) { Timestamp = Now });
                _messages.Add(new OrchestrationMessage(Head.InstanceId, started.ExecutionId, new TimerFired(timer.Id, timer.FireAt) { Timestamp = Now })
                {
                    VisibleAt = timer.FireAt,
                });
                break;
            case SendEventAction send:
                Add(new EventSent(send.Id, send.InstanceId, send.Name, send.Input) { Timestamp = Now });
                _messages.Add(new OrchestrationMessage(
                    send.InstanceId,
                    null,
                    new EventRaised($"{Head.InstanceId}:{started.ExecutionId}:{send.Id}", send.Name, send.Input) { Timestamp = Now }));
                break;
            case CreateSubOrchestrationAction sub:
                Add(new SubOrchestrationInstanceCreated(sub.Id, sub.Name, sub.InstanceId, sub.Input) { Timestamp = Now, Tags = sub.Tags });
                var executionId = NewExecutionId();
                _messages.Add(new OrchestrationMessage(
                    sub.InstanceId,
                    executionId,
                    new ExecutionStarted(sub.Name, executionId, sub.Input, new ParentInstance(Head.InstanceId, started.ExecutionId, sub.Id, Head.Name))
                    {
                        Timestamp = Now,
                        TraceParent = started.TraceParent,
                        Tags = sub.Tags,
                    }));
                break;
        }
    }

    public void End(ExecutionOutcome outcome)
    {
        var started = Session.History.Started!;
        Add(new ExecutionCompleted(outcome.Status, outcome.Output, outcome.Failure) { Timestamp = Now });
        _endStatus = outcome.Status;
        _failure = outcome.Failure;
#pragma warning disable CS0618 // The official status is obsolete for clients; the engine records it between executions.
        if (outcome.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
#pragma warning restore CS0618
        {
            var executionId = NewExecutionId();
            _messages.Add(new OrchestrationMessage(
                Head.InstanceId, executionId, new ExecutionStarted(started.Name, executionId, outcome.Output, started.Parent) { Timestamp = Now, TraceParent = started.TraceParent, Tags = started.Tags }));
            foreach (var carried in outcome.CarriedEvents)
            {
                _messages.Add(new OrchestrationMessage(Head.InstanceId, null, carried));
            }

            return;
        }

        _output = outcome.Output;
        if (started.Parent is { } parent)
        {
            HistoryEvent result = outcome.Status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationInstanceCompleted(parent.TaskScheduledId, outcome.Output) { Timestamp = Now }
                : new SubOrchestrationInstanceFailed(parent.TaskScheduledId, outcome.Failure!) { Timestamp = Now };
            NotifyParent(parent, result);
        }
    }

    public void Terminate(ExecutionTerminated terminated)
    {
        Add(terminated with { Timestamp = Now });
        _endStatus = OrchestrationRuntimeStatus.Terminated;
        _output = terminated.Output;
        if (Session.History.Started?.Parent is { } parent)
        {
            NotifyParent(parent, new SubOrchestrationInstanceFailed(
                parent.TaskScheduledId,
                Failures.Create("Terminated", $"Sub-orchestration instance '{Head.InstanceId}' was terminated: {terminated.Output}"))
            { Timestamp = Now });
        }
    }

    public void NotifyParent(ParentInstance parent, HistoryEvent result)
        => _messages.Add(new OrchestrationMessage(parent.InstanceId, parent.ExecutionId, result));

    public OrchestrationCommit ToCommit()
    {
        var started = Session.History.Started;
        var status = _endStatus ?? (Session.History.IsEnded ? Head.Status
            : started is null ? OrchestrationRuntimeStatus.Pending
            : Session.History.IsSuspended ? OrchestrationRuntimeStatus.Suspended
            : OrchestrationRuntimeStatus.Running);

        // An episode that only dropped messages records nothing, not even its OrchestratorStarted.
        var events = _events.Count == 1 && !_replaceHistory ? [] : _events;
        var head = Head with
        {
            Name = started?.Name ?? Head.Name,
            ExecutionId = started?.ExecutionId ?? Head.ExecutionId,
            Input = started?.Input ?? Head.Input,
            ParentInstanceId = started?.Parent?.InstanceId ?? Head.ParentInstanceId,
            Tags = started is null ? Head.Tags : started.Tags,
            Status = status,
            Output = _endStatus is null ? Head.Output : _output,
            Failure = _endStatus is null ? Head.Failure : _failure,
            CustomStatus = CustomStatus,
            CreatedAt = Head.CreatedAt == default ? Now : Head.CreatedAt,
            LastUpdatedAt = Now,
        };
        return new OrchestrationCommit(head, events, _replaceHistory, _messages, _activities);
    }

    private static string NewExecutionId() => Guid.NewGuid().ToString("N");
}
